package io.phoenix.metrics.stats.cgroup;

import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.stats.StatsSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The cgroup stats source's core: decides at start-up whether container numbers come from the kernel
 * ({@code metrics.source}), and if so reads every tracked container of every endpoint in one pass per
 * {@code metrics.stats.interval}, on its own thread ("phoenix-cgroup"), never on the event loop. All reader state
 * is confined to that thread; {@link CgroupStatsSource#track}/{@code untrack} only enqueue work for it.
 */
@ApplicationScoped
public class CgroupSampler {

    private static final Logger LOG = Logger.getLogger(CgroupSampler.class);
    /** Attempts to open a container's files (one per pass) before giving up on it until it is tracked again. */
    private static final int OPEN_ATTEMPTS = 10;

    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry registry;

    private SourceChoice decision;
    private CgroupLayout layout;
    private Path procRoot;
    private boolean includeLoopback;
    private Duration interval;
    private final SamplerThread thread = new SamplerThread();

    // Confined to the sampler thread.
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final Scan scan = new Scan();
    private final long[] host = new long[2];
    private KernelFile procStat;

    private final CgroupMeters meters = new CgroupMeters();

    private static final class Tracked {
        final CgroupStatsSource source;
        final String containerId;
        final int pid;
        ContainerReader reader;
        int failures;
        boolean givenUp;

        Tracked(CgroupStatsSource source, String containerId, int pid) {
            this.source = source;
            this.containerId = containerId;
            this.pid = pid;
        }
    }

    @PostConstruct
    void init() {
        Path cgroupRoot = Path.of(config.cgroup().root());
        procRoot = Path.of(config.proc().root());
        includeLoopback = config.cgroup().includeLoopback();
        interval = config.stats().interval();
        layout = CgroupLayout.detect(cgroupRoot);
        decision = SourceChoice.decide(config.source(), layout, procRoot);
        if (decision.cgroup()) {
            meters.register(registry);
        }
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("container stats from %s (%s)", decision.cgroup() ? "the kernel's cgroup files" : "the runtime APIs", decision.reason());
    }

    CgroupLayout layout() {
        return layout;
    }

    Path procRoot() {
        return procRoot;
    }

    public SourceChoice decision() {
        return decision;
    }

    /** Whether StatsPipeline should give endpoints a {@link CgroupStatsSource} rather than an API stream. */
    public boolean enabled() {
        return decision.cgroup();
    }

    /** A source for one endpoint's containers; all of them share this sampler's thread and pass. */
    public StatsSource source(String endpoint, Consumer<StatsSample> sink) {
        start();
        return new CgroupStatsSource(this, endpoint, sink);
    }

    private void start() {
        long period = Math.max(100, interval.toMillis());
        if (thread.start(period, this::pass)) {
            LOG.debugf("cgroup sampler reads every %d ms from %s and %s", period, layout, procRoot);
        }
    }

    // ---- called from any thread: enqueue ------------------------------------------------------------------------

    void open(CgroupStatsSource source, String containerId, int pid) {
        execute(() -> openNow(source, containerId, pid));
    }

    void release(CgroupStatsSource source, String containerId) {
        execute(() -> {
            Tracked t = tracked.get(containerId);
            if (t != null && t.source == source) {
                drop(t);
            }
        });
    }

    void releaseAll(CgroupStatsSource source) {
        execute(() -> new ArrayList<>(tracked.values()).stream().filter(t -> t.source == source).forEach(this::drop));
    }

    private void execute(Runnable task) {
        thread.execute(task);
    }

    /** Descriptors held now, all containers plus /proc/stat. */
    public int openFiles() {
        return meters.openFiles.get();
    }

    /**
     * Runs {@code call} on the sampler thread with the reader of one tracked container (null when it is not tracked
     * or its files are not open), for diagnostics; empty when the sampler is not running or the call fails.
     */
    <T> Optional<T> withReader(String containerId, ReaderCall<T> call) {
        return thread.call(() -> {
            Tracked t = tracked.get(containerId);
            return call.call(t == null ? null : t.reader, scan);
        });
    }

    interface ReaderCall<T> {
        T call(ContainerReader reader, Scan scan) throws IOException;
    }

    // ---- the sampler thread ------------------------------------------------------------------------------------

    private void openNow(CgroupStatsSource source, String containerId, int pid) {
        Tracked t = tracked.get(containerId);
        if (t != null) {
            if (t.pid == pid && t.source == source) {
                return;
            }
            drop(t);
        }
        if (!source.wants(containerId, pid)) {
            return; // untracked or restarted again before this ran
        }
        t = new Tracked(source, containerId, pid);
        tracked.put(containerId, t);
        tryOpen(t);
    }

    private void tryOpen(Tracked t) {
        try {
            t.reader = ContainerReader.open(layout, procRoot, t.containerId, t.pid, includeLoopback);
            meters.openFiles.addAndGet(t.reader.openFiles());
            LOG.debugf("%s: reading %s (PID %d, %d files)", t.containerId, t.reader.cgroup(), t.pid, t.reader.openFiles());
        } catch (ContainerReader.NotTheContainer e) {
            t.givenUp = true;
            LOG.warnf("%s: not read from cgroup files: %s", t.containerId, e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (++t.failures >= OPEN_ATTEMPTS) {
                t.givenUp = true;
                LOG.warnf("%s: cannot open the cgroup files of PID %d: %s", t.containerId, t.pid, e.toString());
            } else {
                LOG.debugf("%s: cannot open the cgroup files of PID %d yet: %s", t.containerId, t.pid, e.toString());
            }
        }
    }

    private void drop(Tracked t) {
        tracked.remove(t.containerId);
        if (t.reader != null) {
            meters.openFiles.addAndGet(-t.reader.openFiles());
            t.reader.close();
            t.reader = null;
        }
    }

    private boolean readHost() throws IOException {
        if (procStat == null) {
            procStat = KernelFile.open(procRoot.resolve("stat"), false);
            meters.openFiles.incrementAndGet();
        }
        return ProcStat.hostCpu(procStat.into(scan), host);
    }

    /** One pass: /proc/stat once, then every container's files once. */
    void pass() {
        try {
            if (tracked.isEmpty()) {
                meters.emptyPass();
                return;
            }
            long start = System.nanoTime();
            Instant readAt = Instant.now();
            if (!readHost()) {
                meters.readError();
                return;
            }
            int read = 0;
            for (Tracked t : tracked.values()) {
                if (t.reader == null) {
                    if (t.givenUp) {
                        continue;
                    }
                    tryOpen(t);
                    if (t.reader == null) {
                        continue;
                    }
                }
                StatsSample sample;
                try {
                    sample = t.reader.read(scan, host[0], (int) host[1], readAt);
                } catch (IOException e) {
                    meters.readError();
                    continue;
                }
                t.source.deliver(t.pid, sample);
                read++;
            }
            meters.pass(read, System.nanoTime() - start);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cgroup pass failed: %s", e.toString()); // a thrown exception would cancel the schedule
        }
    }

    @PreDestroy
    void stop() {
        thread.stop(() -> {
            new ArrayList<>(tracked.values()).forEach(this::drop);
            if (procStat != null) {
                procStat.close();
                procStat = null;
                meters.openFiles.decrementAndGet();
            }
        });
    }
}
