package io.phoenix.metrics.stats;

import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.runtime.RuntimeClient;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Podman: libpod's {@code /libpod/containers/stats?stream=true&interval=N} reports every running container in
 * one object per interval, over one connection for the whole endpoint (its compat per-container stream only
 * answers every 5 s). Open while at least one container is tracked; samples of untracked ids are dropped so a
 * removed container cannot come back through a late report.
 */
final class PodmanAllContainersStatsSource implements StatsSource {

    private static final Logger LOG = Logger.getLogger(PodmanAllContainersStatsSource.class);

    private final Vertx vertx;
    private final RuntimeClient client;
    private final String path;
    private final Consumer<StatsSample> sink;
    private final Backoff reopen;
    private final Duration staleAfter;
    private volatile int failures;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private volatile Cancellable stream;
    private volatile boolean closed;

    private final boolean netIoSwapped;

    PodmanAllContainersStatsSource(Vertx vertx, RuntimeClient client, String podmanVersion, Duration interval, Consumer<StatsSample> sink,
                        Backoff reopen, Duration staleAfter) {
        this.vertx = vertx;
        this.client = client;
        this.path = "/v" + podmanVersion + "/libpod/containers/stats?stream=true&interval=" + Math.max(1, interval.toSeconds());
        this.netIoSwapped = PodmanStatsParser.swapsNetIo(podmanVersion);
        this.sink = sink;
        this.reopen = reopen;
        this.staleAfter = staleAfter;
    }

    @Override
    public synchronized void track(ContainerInfo container) {
        if (wanted.add(container.id()) && stream == null) {
            open();
        }
    }

    private synchronized void open() {
        if (closed || wanted.isEmpty() || stream != null) {
            return;
        }
        stream = client.streamAbsolute(path, staleAfter)
                .onItem().transformToIterable(report -> PodmanStatsParser.parse(report, netIoSwapped))
                .invoke(report -> failures = 0)
                .filter(sample -> wanted.contains(sample.containerId()))
                .subscribe().with(sink, this::ended, () -> ended(null));
    }

    private synchronized void ended(Throwable error) {
        stream = null;
        if (closed || wanted.isEmpty()) {
            return;
        }
        if (error != null) {
            LOG.debugf("%s: libpod stats stream broke: %s", client.endpoint().uri(), error.getMessage());
        }
        reopenLater();
    }

    /** Exponential backoff with jitter; while the endpoint's circuit is open the engine is presumed down: wait. */
    private void reopenLater() {
        vertx.setTimer(reopen.delay(failures++).toMillis(), t -> openWhenCircuitAllows());
    }

    /** Checking the breaker is local (no request), so waiting on it in short steps costs nothing. */
    private void openWhenCircuitAllows() {
        if (closed || wanted.isEmpty()) {
            return;
        }
        if (client.guard().isOpen()) {
            vertx.setTimer(DockerPerContainerStatsSource.CIRCUIT_POLL_MILLIS, t -> openWhenCircuitAllows());
        } else {
            open();
        }
    }

    @Override
    public synchronized void untrack(String containerId) {
        wanted.remove(containerId);
        if (wanted.isEmpty() && stream != null) {
            stream.cancel();
            stream = null;
        }
    }

    @Override
    public int openStreams() {
        return stream == null ? 0 : 1;
    }

    @Override
    public synchronized void close() {
        closed = true;
        wanted.clear();
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
    }
}
