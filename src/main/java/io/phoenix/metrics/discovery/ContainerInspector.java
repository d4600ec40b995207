package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeClient;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Inspects one endpoint's containers into the inventory. Requests for one container are coalesced; inspects of
 * it can still overlap (a burst of events), and a per-container generation makes sure only the newest answer is
 * applied. A container the engine no longer knows is reported gone.
 */
final class ContainerInspector {

    private static final Logger LOG = Logger.getLogger(ContainerInspector.class);
    /**
     * A failed inspect (a timeout, a busy engine) is tried again this often before it waits for the next event or
     * resync: the event that caused it will not come again, and the resync may be minutes away.
     */
    private static final int RETRIES = 3;

    private final Vertx vertx;
    private final RuntimeClient client;
    private final ContainerInventory inventory;
    private final Backoff backoff;
    private final StatusRecorder status;
    private final Supplier<RuntimeIdentity> identity;
    private final Consumer<String> gone;
    private final BooleanSupplier stopped;
    private final String endpointUri;
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final InspectCoalescer inspects = new InspectCoalescer();

    ContainerInspector(Vertx vertx, RuntimeClient client, ContainerInventory inventory, Backoff backoff, StatusRecorder status,
                       Supplier<RuntimeIdentity> identity, Consumer<String> gone, BooleanSupplier stopped) {
        this.vertx = vertx;
        this.client = client;
        this.inventory = inventory;
        this.backoff = backoff;
        this.status = status;
        this.identity = identity;
        this.gone = gone;
        this.stopped = stopped;
        this.endpointUri = client.endpoint().uri();
    }

    /** Inspects one container, coalesced with other requests for it; applied unless a removal overtook it. */
    Uni<Void> inspect(String id) {
        return inspects.submit(id, () -> refresh(id, 0));
    }

    /** The container was removed: an inspect still in flight for it is not applied. */
    void forget(String id) {
        generations.remove(id);
    }

    private Uni<Void> refresh(String id, int attempt) {
        long generation = generations.merge(id, 1L, Long::sum);
        RuntimeIdentity engine = identity.get();
        return client.inspect(id)
                .invoke(json -> {
                    if (isCurrent(id, generation)) {
                        ContainerCaps.Trimmed trimmed = ContainerCaps.trim(ContainerParser.fromInspect(json, engine.kind(), endpointUri));
                        inventory.put(trimmed.container());
                        if (trimmed.cut() != null) {
                            client.report(trimmed.cut());
                        }
                    }
                })
                .replaceWithVoid()
                .onFailure(RuntimeApiException.NotFound.class).recoverWithUni(() -> {
                    if (isCurrent(id, generation)) {
                        gone.accept(id);
                    }
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(error -> {
                    retry(id, generation, attempt, error);
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * One bad inspect does not take the endpoint down: it is recorded and asked again a few times, with backoff or,
     * while the circuit is open, after the circuit's delay (an open circuit answers locally, so waiting is all that
     * helps). Only the newest inspect of a container retries; a later event or a removal ends the retries.
     */
    private void retry(String id, long generation, int attempt, Throwable error) {
        if (stopped.getAsBoolean() || !isCurrent(id, generation)) {
            return;
        }
        boolean circuitOpen = error instanceof RuntimeApiException.CircuitOpen;
        if (!circuitOpen) {
            status.recordError(error); // an open circuit is not news: what opened it is the last error
        }
        if (attempt >= RETRIES) {
            status.warn("inspect", "inspect " + id + " failed (" + StatusRecorder.message(error) + "); the next event or resync tries again");
            return;
        }
        long delay = circuitOpen ? client.guard().circuitDelay().toMillis() : backoff.delay(attempt).toMillis();
        LOG.debugf("%s: inspect %s failed (%s); again in %d ms", endpointUri, id, StatusRecorder.message(error), delay);
        vertx.setTimer(delay, timer -> inspects.submit(id, () -> refresh(id, attempt + 1)).subscribe().with(ignored -> { }, this::refused));
    }

    /** An inspect the coalescer would not take (over a cap): counted; the resync asks again. */
    private void refused(Throwable error) {
        if (error instanceof RuntimeApiException runtimeError) {
            client.report(runtimeError);
        }
    }

    private boolean isCurrent(String id, long generation) {
        Long current = generations.get(id);
        return current != null && current == generation;
    }
}
