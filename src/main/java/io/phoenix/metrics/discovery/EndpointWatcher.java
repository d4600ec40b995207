package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.runtime.RuntimeClient;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeEndpoint;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the inventory of one endpoint current: identify the engine, follow its event stream, and list it in
 * full at start, after every reconnect and periodically, so that a missed event heals.
 *
 * <p>Every event re-inspects the container instead of patching the record from the event: the inspect is one
 * cheap request and the inventory then holds exactly what the engine says. Inspects of one container can
 * overlap (a burst of events); a per-container generation makes sure only the newest answer is applied.
 */
final class EndpointWatcher {

    private static final Logger LOG = Logger.getLogger(EndpointWatcher.class);
    /** Replay this much history on (re)connect: events are idempotent here, a gap is not. */
    private static final long REPLAY_SECONDS = 2;
    /** Inspects in flight at once during a full list, so a host with hundreds of containers is not hammered. */
    private static final int INSPECT_CONCURRENCY = 8;
    /**
     * A failed inspect (a timeout, a busy engine) is tried again this often before it waits for the next event or
     * resync: the event that caused it will not come again, and the resync may be minutes away.
     */
    private static final int INSPECT_RETRIES = 3;

    private final Vertx vertx;
    private final RuntimeClient client;
    private final ContainerInventory inventory;
    private final Backoff backoff;
    private final String endpointUri;

    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final ListReconcile reconcile = new ListReconcile();
    private final InspectCoalescer inspects = new InspectCoalescer();

    private final StatusRecorder status;
    private volatile RuntimeIdentity identity;
    private volatile Cancellable events;
    /** Bumped per subscription, so callbacks of a stream that was already replaced are ignored. */
    private volatile int streamEpoch;
    /** At most one reconnect loop per endpoint, whichever path (stream or list) noticed the failure first. */
    private final AtomicBoolean reconnectPending = new AtomicBoolean();
    private volatile long lastEventNanos;
    private volatile boolean stopped;
    private volatile int reconnectAttempt;

    EndpointWatcher(Vertx vertx, RuntimeClient client, ContainerInventory inventory, Backoff backoff) {
        this.vertx = vertx;
        this.client = client;
        this.inventory = inventory;
        this.backoff = backoff;
        this.endpointUri = client.endpoint().uri();
        this.status = new StatusRecorder(client.endpoint());
    }

    RuntimeEndpoint endpoint() {
        return client.endpoint();
    }

    RuntimeClient client() {
        return client;
    }

    /** Null until the engine has answered /version. */
    RuntimeIdentity identity() {
        return identity;
    }

    EndpointStatus status() {
        return status.current().withContainerCount(inventory.onEndpoint(endpointUri).size());
    }

    /** Completes with the outcome of the first connection attempt (true when up); later attempts go on by themselves. */
    Uni<Boolean> start() {
        return connect();
    }

    private Uni<Boolean> connect() {
        if (stopped) {
            return Uni.createFrom().item(false);
        }
        return client.version()
                .invoke(this::identified)
                .invoke(this::followEvents)
                .chain(this::listAll)
                .map(ignored -> {
                    reconnectAttempt = 0;
                    status.up();
                    return true;
                })
                .onFailure().recoverWithItem(error -> {
                    cancelEvents();
                    status.error(error);
                    scheduleReconnect();
                    return false;
                });
    }

    private void identified(RuntimeIdentity found) {
        RuntimeIdentity before = identity;
        identity = found;
        if (before == null || !before.equals(found)) {
            LOG.infof("%s is %s %s (API %s)", endpointUri, found.kind().label(), found.version(), found.apiVersion());
        }
        status.update(s -> s.withIdentity(found));
    }

    /**
     * Subscribes before listing, replaying a little history, so that nothing that happens while the list is in
     * flight is missed; duplicates are harmless because every event leads to a fresh inspect.
     */
    private void followEvents() {
        long resumeFrom = lastEventNanos > 0 ? lastEventNanos / 1_000_000_000L : Instant.now().getEpochSecond();
        String since = Long.toString(resumeFrom - REPLAY_SECONDS);
        Multi<JsonObject> stream = client.events(since);
        int epoch = ++streamEpoch;
        events = stream.subscribe().with(this::onEvent,
                error -> onStreamEnd(epoch, error),
                () -> onStreamEnd(epoch, new RuntimeApiException.Unavailable("event stream closed by the engine", null)));
    }

    private void onEvent(JsonObject json) {
        RuntimeEvent.parse(json).ifPresent(event -> {
            if (event.timeNano() > lastEventNanos) {
                lastEventNanos = event.timeNano();
            }
            status.update(s -> s.withLastEvent(Instant.now()));
            if ("oom".equals(event.action())) {
                inventory.oomReported(event.containerId(), event.timeNano());
            }
            RuntimeEvent.Reaction reaction = event.reaction();
            if (reaction instanceof RuntimeEvent.Refresh refresh) {
                inspect(refresh.containerId()).subscribe().with(ignored -> { }, this::refused);
            } else if (reaction instanceof RuntimeEvent.Remove remove) {
                removed(remove.containerId());
            }
        });
    }

    /** A clean end is a failure too: the engine is going away (restart, shutdown) and will be back. */
    private void onStreamEnd(int epoch, Throwable error) {
        if (stopped || epoch != streamEpoch) {
            return;
        }
        events = null;
        status.error(error);
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (stopped || !reconnectPending.compareAndSet(false, true)) {
            return;
        }
        long delay = backoff.delay(reconnectAttempt++).toMillis();
        vertx.setTimer(delay, id -> {
            reconnectPending.set(false);
            connect().subscribe().with(ignored -> { });
        });
    }

    /** Periodic full list; skipped while disconnected because the reconnect path lists anyway. */
    Uni<Void> resync() {
        status.flush();
        if (stopped || status.current().state() != EndpointState.UP && !status.isCapped()) {
            return Uni.createFrom().voidItem();
        }
        return listAll()
                .invoke(status::up)
                .onFailure().invoke(status::error)
                .onFailure().recoverWithNull();
    }

    /** Lists the endpoint and inspects what the reconcile says is new, changed or possibly gone. */
    private Uni<Void> listAll() {
        return client.listContainers().chain(list -> Multi.createFrom()
                .iterable(reconcile.toInspect(list, inventory.onEndpoint(endpointUri), id -> inventory.get(id).isPresent()))
                .onItem().transformToUni(id -> inspect(id).onFailure().invoke(this::refused).onFailure().recoverWithNull())
                .merge(INSPECT_CONCURRENCY)
                .collect().last()
                .replaceWithVoid());
    }

    /** Inspects one container, coalesced with other requests for it; applied unless a removal overtook it. */
    private Uni<Void> inspect(String id) {
        return inspects.submit(id, () -> refresh(id, 0));
    }

    /** An inspect the coalescer would not take (over a cap): counted; the resync asks again. */
    private void refused(Throwable error) {
        if (error instanceof RuntimeApiException runtimeError) {
            client.report(runtimeError);
        }
    }

    /** Told of every input over a cap on this endpoint, wherever it was found. */
    void tooLarge(RuntimeApiException.TooLarge error) {
        status.tooLarge(error);
    }

    private Uni<Void> refresh(String id, int attempt) {
        long generation = generations.merge(id, 1L, Long::sum);
        RuntimeIdentity engine = identity;
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
                        removed(id);
                    }
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(error -> {
                    retryInspect(id, generation, attempt, error);
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * One bad inspect does not take the endpoint down: it is recorded and asked again a few times, with backoff or,
     * while the circuit is open, after the circuit's delay (an open circuit answers locally, so waiting is all that
     * helps). Only the newest inspect of a container retries; a later event or a removal ends the retries.
     */
    private void retryInspect(String id, long generation, int attempt, Throwable error) {
        if (stopped || !isCurrent(id, generation)) {
            return;
        }
        boolean circuitOpen = error instanceof RuntimeApiException.CircuitOpen;
        if (!circuitOpen) {
            status.recordError(error); // an open circuit is not news: what opened it is the last error
        }
        if (attempt >= INSPECT_RETRIES) {
            status.warn("inspect", "inspect " + id + " failed (" + StatusRecorder.message(error) + "); the next event or resync tries again");
            return;
        }
        long delay = circuitOpen ? client.guard().circuitDelay().toMillis() : backoff.delay(attempt).toMillis();
        LOG.debugf("%s: inspect %s failed (%s); again in %d ms", endpointUri, id, StatusRecorder.message(error), delay);
        vertx.setTimer(delay, timer -> inspects.submit(id, () -> refresh(id, attempt + 1)).subscribe().with(ignored -> { }, this::refused));
    }

    private boolean isCurrent(String id, long generation) {
        Long current = generations.get(id);
        return current != null && current == generation;
    }

    private void removed(String id) {
        generations.remove(id);
        reconcile.forget(id);
        inventory.remove(id);
    }

    private void cancelEvents() {
        Cancellable current = events;
        events = null;
        streamEpoch++;
        if (current != null) {
            current.cancel();
        }
    }

    void stop() {
        stopped = true;
        cancelEvents();
        client.close();
    }
}
