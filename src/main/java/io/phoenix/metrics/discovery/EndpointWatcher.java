package io.phoenix.metrics.discovery;

import java.util.function.UnaryOperator;
import io.phoenix.metrics.runtime.EngineClient;
import io.phoenix.metrics.runtime.EngineException;
import io.phoenix.metrics.runtime.RuntimeEndpoint;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final EngineClient client;
    private final ContainerInventory inventory;
    private final Backoff backoff;
    private final String endpointUri;

    /** After an input over a cap the endpoint stays failing this long, even if the next list is fine. */
    private static final long CAPPED_HOLD_NANOS = Duration.ofMinutes(1).toNanos();

    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final InspectCoalescer inspects = new InspectCoalescer();
    private final LogLimiter warnings;
    private volatile long cappedAt;
    private final Map<String, String> listKeys = new ConcurrentHashMap<>();

    private volatile EndpointStatus status;
    private volatile RuntimeIdentity identity;
    private volatile Cancellable events;
    /** Bumped per subscription, so callbacks of a stream that was already replaced are ignored. */
    private volatile int streamEpoch;
    /** At most one reconnect loop per endpoint, whichever path (stream or list) noticed the failure first. */
    private final AtomicBoolean reconnectPending = new AtomicBoolean();
    private volatile long lastEventNanos;
    private volatile boolean stopped;
    private volatile int reconnectAttempt;

    EndpointWatcher(Vertx vertx, EngineClient client, ContainerInventory inventory, Backoff backoff) {
        this.vertx = vertx;
        this.client = client;
        this.inventory = inventory;
        this.backoff = backoff;
        this.endpointUri = client.endpoint().uri();
        this.status = EndpointStatus.connecting(client.endpoint());
        this.warnings = new LogLimiter(LOG, endpointUri);
    }

    RuntimeEndpoint endpoint() {
        return client.endpoint();
    }

    EngineClient client() {
        return client;
    }

    /** Null until the engine has answered /version. */
    RuntimeIdentity identity() {
        return identity;
    }

    EndpointStatus status() {
        return status.withContainerCount(inventory.onEndpoint(endpointUri).size());
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
                    markUp();
                    return true;
                })
                .onFailure().recoverWithItem(error -> {
                    cancelEvents();
                    markError(error);
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
        update(s -> s.withIdentity(found));
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
                () -> onStreamEnd(epoch, new EngineException.Unavailable("event stream closed by the engine", null)));
    }

    private void onEvent(JsonObject json) {
        EngineEvent.parse(json).ifPresent(event -> {
            if (event.timeNano() > lastEventNanos) {
                lastEventNanos = event.timeNano();
            }
            update(s -> s.withLastEvent(Instant.now()));
            EngineEvent.Reaction reaction = event.reaction();
            if (reaction instanceof EngineEvent.Refresh refresh) {
                inspect(refresh.containerId()).subscribe().with(ignored -> { }, this::refused);
            } else if (reaction instanceof EngineEvent.Remove remove) {
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
        markError(error);
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
        warnings.flush();
        if (stopped || status.state() != EndpointState.UP && !isCapped()) {
            return Uni.createFrom().voidItem();
        }
        return listAll()
                .invoke(this::markUp)
                .onFailure().invoke(this::markError)
                .onFailure().recoverWithNull();
    }

    /**
     * Inspects what is new or changed in the list, and what the inventory holds that the list lacks (confirmed by
     * a 404 before it is dropped, because a container created after the list was taken is not in it either).
     */
    private Uni<Void> listAll() {
        return client.listContainers().chain(list -> {
            Set<String> listed = new HashSet<>();
            List<String> toInspect = new ArrayList<>();
            for (Object entry : list) {
                if (!(entry instanceof JsonObject item)) {
                    throw new EngineException.Protocol("/containers/json: entry is not an object");
                }
                String id = ContainerParser.listId(item);
                listed.add(id);
                String key = ContainerParser.listKey(item);
                if (!key.equals(listKeys.put(id, key)) || inventory.get(id).isEmpty()) {
                    toInspect.add(id);
                }
            }
            listKeys.keySet().retainAll(listed);
            for (ContainerInfo known : inventory.onEndpoint(endpointUri)) {
                if (!listed.contains(known.id())) {
                    toInspect.add(known.id());
                }
            }
            return Multi.createFrom().iterable(toInspect)
                    .onItem().transformToUni(id -> inspect(id).onFailure().invoke(this::refused).onFailure().recoverWithNull())
                    .merge(INSPECT_CONCURRENCY)
                    .collect().last()
                    .replaceWithVoid();
        });
    }

    /** Inspects one container, coalesced with other requests for it; applied unless a removal overtook it. */
    private Uni<Void> inspect(String id) {
        return inspects.submit(id, () -> refresh(id, 0));
    }

    /** An inspect the coalescer would not take (over a cap): counted; the resync asks again. */
    private void refused(Throwable error) {
        if (error instanceof EngineException engineError) {
            client.report(engineError);
        }
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
                .onFailure(EngineException.NotFound.class).recoverWithUni(() -> {
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
        boolean circuitOpen = error instanceof EngineException.CircuitOpen;
        if (!circuitOpen) {
            recordError(error); // an open circuit is not news: what opened it is the last error
        }
        if (attempt >= INSPECT_RETRIES) {
            warnings.warn("inspect", "inspect " + id + " failed (" + message(error) + "); the next event or resync tries again");
            return;
        }
        long delay = circuitOpen ? client.guard().circuitDelay().toMillis() : backoff.delay(attempt).toMillis();
        LOG.debugf("%s: inspect %s failed (%s); again in %d ms", endpointUri, id, message(error), delay);
        vertx.setTimer(delay, timer -> inspects.submit(id, () -> refresh(id, attempt + 1)).subscribe().with(ignored -> { }, this::refused));
    }

    private boolean isCurrent(String id, long generation) {
        Long current = generations.get(id);
        return current != null && current == generation;
    }

    private void removed(String id) {
        generations.remove(id);
        listKeys.remove(id);
        inventory.remove(id);
    }

    private void markUp() {
        if (isCapped()) {
            return; // what was over a cap keeps it failing for a while: the next list is often fine
        }
        if (status.state() != EndpointState.UP) {
            LOG.infof("%s: up, following events", endpointUri);
        }
        update(s -> s.withState(EndpointState.UP, Instant.now()));
    }

    /** Garbage from a reachable engine is "failing"; everything else means we could not talk to it. */
    private void markError(Throwable error) {
        if (error instanceof EngineException.CircuitOpen) {
            return; // not news: the error that opened the circuit stays the last error
        }
        EndpointState next = error instanceof EngineException.Protocol ? EndpointState.FAILING : EndpointState.UNAVAILABLE;
        if (status.state() != next) {
            warnings.warn(next.label(), next.label() + ": " + message(error));
        }
        Instant now = Instant.now();
        update(s -> s.withState(next, now).withError(message(error), now));
    }

    /** Told of every input over a cap on this endpoint, wherever it was found (lists, inspects, streams). */
    void tooLarge(EngineException.TooLarge error) {
        cappedAt = System.nanoTime();
        markError(error);
    }

    private boolean isCapped() {
        long at = cappedAt;
        return at != 0 && System.nanoTime() - at < CAPPED_HOLD_NANOS;
    }

    private void recordError(Throwable error) {
        update(s -> s.withError(message(error), Instant.now()));
    }

    private synchronized void update(UnaryOperator<EndpointStatus> change) {
        status = change.apply(status);
    }

    private static String message(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
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
