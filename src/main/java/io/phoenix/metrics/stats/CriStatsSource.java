package io.phoenix.metrics.stats;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.runtime.cri.CriClient;
import io.phoenix.metrics.runtime.cri.v1.ContainerStats;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A CRI endpoint's numbers where the kernel's cgroup files cannot be read: one {@code ListContainerStats} per
 * interval for all its running containers (CRI has no stats stream). CRI reports CPU time, memory usage and working
 * set (and the writable layer and swap, which have no series here); throttling, network, block I/O and pids it does
 * not report, so those series are absent, as with the Podman API source.
 */
final class CriStatsSource implements StatsSource {

    private static final Logger LOG = Logger.getLogger(CriStatsSource.class);
    private static final int ONLINE_CPUS = Runtime.getRuntime().availableProcessors();

    private final Vertx vertx;
    private final CriClient client;
    private final Consumer<StatsSample> sink;
    private final Duration interval;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile long timer = -1;
    private volatile boolean closed;

    CriStatsSource(Vertx vertx, CriClient client, Duration interval, Consumer<StatsSample> sink) {
        this.vertx = vertx;
        this.client = client;
        this.interval = interval;
        this.sink = sink;
    }

    @Override
    public synchronized void track(ContainerInfo container) {
        if (wanted.add(container.id()) && timer < 0 && !closed) {
            timer = vertx.setPeriodic(0, interval.toMillis(), id -> poll());
        }
    }

    /** One request in flight at most; an open circuit answers locally, so a dead runtime costs nothing here. */
    private void poll() {
        if (closed || !inFlight.compareAndSet(false, true)) {
            return;
        }
        client.listContainerStats().subscribe().with(response -> {
            inFlight.set(false);
            for (ContainerStats stats : response.getStatsList()) {
                String id = stats.getAttributes().getId();
                if (wanted.contains(id)) {
                    sample(stats).ifPresent(sink);
                }
            }
        }, error -> {
            inFlight.set(false);
            LOG.debugf("%s: CRI ListContainerStats failed: %s", client.endpoint().uri(), error.getMessage());
        });
    }

    /** Nothing before the first CPU reading; the host's CPU time is wall time × CPUs, so 100 % = one core. */
    static Optional<StatsSample> sample(ContainerStats stats) {
        if (!stats.hasCpu() || !stats.getCpu().hasUsageCoreNanoSeconds() || stats.getCpu().getTimestamp() <= 0) {
            return Optional.empty();
        }
        long at = stats.getCpu().getTimestamp();
        StatsSample.Cpu cpu = new StatsSample.Cpu(stats.getCpu().getUsageCoreNanoSeconds().getValue(), null, null,
                at * ONLINE_CPUS, ONLINE_CPUS, null, null, null);
        StatsSample.Memory memory = null;
        if (stats.hasMemory() && stats.getMemory().hasUsageBytes()) {
            long usage = stats.getMemory().getUsageBytes().getValue();
            Long inactive = stats.getMemory().hasWorkingSetBytes()
                    ? Math.max(0, usage - stats.getMemory().getWorkingSetBytes().getValue()) : null;
            memory = new StatsSample.Memory(usage, null, inactive);
        }
        Instant readAt = Instant.ofEpochSecond(at / 1_000_000_000L, at % 1_000_000_000L);
        return Optional.of(new StatsSample(stats.getAttributes().getId(), readAt, cpu, memory, null, null, null));
    }

    @Override
    public synchronized void untrack(String containerId) {
        wanted.remove(containerId);
        if (wanted.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    @Override
    public int openStreams() {
        return 0;
    }

    @Override
    public synchronized void close() {
        closed = true;
        wanted.clear();
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
