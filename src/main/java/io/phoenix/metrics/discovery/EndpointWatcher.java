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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the inventory of one endpoint current: identify the engine, follow its event stream, and list it in
 * full at start, after every reconnect and periodically, so that a missed event heals.
 *
 * <p>Every event re-inspects the container ({@link ContainerInspector}) instead of patching the record from the
 * event: the inspect is one cheap request and the inventory then holds exactly what the engine says.
 */
final class EndpointWatcher {

    private static final Logger LOG = Logger.getLogger(EndpointWatcher.class);
    /** Replay this much history on (re)connect: events are idempotent here, a gap is not. */
    private static final long REPLAY_SECONDS = 2;
    /** Inspects in flight at once during a full list, so a host with hundreds of containers is not hammered. */
    private static final int INSPECT_CONCURRENCY = 8;

    private final Vertx vertx;
    private final RuntimeClient client;
    private final ContainerInventory inventory;
    private final Backoff backoff;
    private final String endpointUri;

    private final ListReconcile reconcile = new ListReconcile();
    private final ContainerInspector inspector;

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
    /** When the engine last ended the event stream cleanly (nanoTime); a second end soon after is an outage. */
    private volatile long lastCleanEndNanos = System.nanoTime() - CLEAN_END_QUIET_NANOS - 1;
    private static final long CLEAN_END_QUIET_NANOS = 10_000_000_000L;

    EndpointWatcher(Vertx vertx, RuntimeClient client, ContainerInventory inventory, Backoff backoff) {
        this.vertx = vertx;
        this.client = client;
        this.inventory = inventory;
        this.backoff = backoff;
        this.endpointUri = client.endpoint().uri();
        this.status = new StatusRecorder(client.endpoint());
        this.inspector = new ContainerInspector(vertx, client, inventory, backoff, status, () -> identity, this::removed,
                () -> stopped);
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
        return reachable()
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

    /**
     * The first time, the engine's identity (/version). Back after an outage, only that it answers (/_ping): a
     * Podman busy restarting takes seconds for /version and the agent would stay behind for minutes of timeouts.
     * The identity is then asked for on the side, in case the engine came back as another version.
     */
    private Uni<Void> reachable() {
        if (identity == null) {
            return client.version().invoke(this::identified).replaceWithVoid();
        }
        return client.ping().invoke(() -> client.version().subscribe().with(this::identified, error -> { }));
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
                () -> onStreamEnd(epoch, null));
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

    /**
     * An engine may end the event stream and stay up (Podman 4.3 does when it rotates its event log, about once a
     * minute under churn): the first clean end in a while is followed again at once, from the last event, with a
     * list to heal; anything else, or a failure to follow again, is an outage: reconnect with backoff.
     */
    private void onStreamEnd(int epoch, Throwable failure) {
        if (stopped || epoch != streamEpoch) {
            return;
        }
        events = null;
        long now = System.nanoTime();
        if (failure == null && now - lastCleanEndNanos > CLEAN_END_QUIET_NANOS && status.current().state() == EndpointState.UP) {
            lastCleanEndNanos = now;
            LOG.debugf("%s: event stream ended by the engine; following again", endpointUri);
            followEvents();
            listAll().subscribe().with(ignored -> { }, listFailure -> {
                cancelEvents();
                status.error(listFailure);
                scheduleReconnect();
            });
            return;
        }
        status.error(failure != null ? failure : new RuntimeApiException.Unavailable("event stream closed by the engine", null));
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

    private Uni<Void> inspect(String id) {
        return inspector.inspect(id);
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

    private void removed(String id) {
        inspector.forget(id);
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
