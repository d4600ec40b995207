package io.phoenix.metrics.stats;

import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.runtime.RuntimeClient;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Docker: {@code /containers/{id}/stats?stream=true} per running container, one object per second from the
 * engine. A stream that breaks while its container is still wanted is re-opened after a delay.
 */
final class DockerPerContainerStatsSource implements StatsSource {

    private static final Logger LOG = Logger.getLogger(DockerPerContainerStatsSource.class);
    static final long CIRCUIT_POLL_MILLIS = 1000;

    private final Vertx vertx;
    private final RuntimeClient client;
    private final Consumer<StatsSample> sink;
    private final Backoff reopen;
    private final Duration staleAfter;
    /** Consecutive failed opens per container, for the backoff; cleared by the first sample. */
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final Map<String, Cancellable> streams = new ConcurrentHashMap<>();

    DockerPerContainerStatsSource(Vertx vertx, RuntimeClient client, Consumer<StatsSample> sink, Backoff reopen, Duration staleAfter) {
        this.vertx = vertx;
        this.client = client;
        this.sink = sink;
        this.reopen = reopen;
        this.staleAfter = staleAfter;
    }

    @Override
    public void track(ContainerInfo container) {
        if (wanted.add(container.id())) {
            open(container.id());
        }
    }

    private void open(String id) {
        // Vert.x delivers even an immediate connect failure later on the event loop, so the put below comes first.
        streams.put(id, client.streamAbsolute(client.apiPath("/containers/" + id + "/stats?stream=true"), staleAfter)
                .filter(json -> !DockerStatsParser.isStoppedMarker(json))
                .map(json -> DockerStatsParser.parse(id, json))
                .invoke(sample -> failures.remove(id))
                .subscribe().with(sink, error -> ended(id, error), () -> ended(id, null)));
    }

    private void ended(String id, Throwable error) {
        streams.remove(id);
        if (!wanted.contains(id)) {
            return;
        }
        if (error != null) {
            LOG.debugf("%s: stats stream of %s broke: %s", client.endpoint().uri(), id, error.getMessage());
        }
        reopenLater(id);
    }

    /**
     * Exponential backoff with jitter per container; while the endpoint's circuit is open the engine is presumed
     * down: wait rather than knock.
     */
    private void reopenLater(String id) {
        int attempt = failures.merge(id, 1, Integer::sum) - 1;
        vertx.setTimer(reopen.delay(attempt).toMillis(), t -> openWhenCircuitAllows(id));
    }

    /** Checking the breaker is local (no request), so waiting on it in short steps costs nothing. */
    private void openWhenCircuitAllows(String id) {
        if (!wanted.contains(id) || streams.containsKey(id)) {
            return;
        }
        if (client.guard().isOpen()) {
            vertx.setTimer(CIRCUIT_POLL_MILLIS, t -> openWhenCircuitAllows(id));
        } else {
            open(id);
        }
    }

    @Override
    public void untrack(String containerId) {
        wanted.remove(containerId);
        failures.remove(containerId);
        Cancellable stream = streams.remove(containerId);
        if (stream != null) {
            stream.cancel();
        }
    }

    @Override
    public int openStreams() {
        return streams.size();
    }

    @Override
    public void close() {
        wanted.clear();
        streams.values().forEach(Cancellable::cancel);
        streams.clear();
    }
}
