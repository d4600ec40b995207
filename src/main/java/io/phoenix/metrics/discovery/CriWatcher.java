package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.phoenix.metrics.runtime.cri.CriClient;
import io.phoenix.metrics.runtime.cri.CriContainers;
import io.phoenix.metrics.runtime.cri.v1.Container;
import io.phoenix.metrics.runtime.cri.v1.ContainerEventResponse;
import io.phoenix.metrics.runtime.cri.v1.ContainerEventType;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
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
 * Keeps the inventory of one CRI endpoint current: a full list at start and after every reconnect, then the
 * runtime's {@code GetContainerEvents} stream where it has one, or (containerd before 1.7 answers UNIMPLEMENTED)
 * a list every {@code metrics.cri.poll-interval}, diffed against the last one: only containers that are new or
 * changed state or attempt cost a {@code ContainerStatus}. Pod sandboxes are pods, never containers: they are listed
 * only to name a container's pod, and only when a container of an unknown sandbox shows up.
 */
final class CriWatcher {

    private static final Logger LOG = Logger.getLogger(CriWatcher.class);
    private static final int STATUS_CONCURRENCY = 8;

    private final Vertx vertx;
    private final CriClient client;
    private final ContainerInventory inventory;
    private final Backoff backoff;
    private final Duration pollInterval;
    private final String endpointUri;

    private final Map<String, String> listKeys = new ConcurrentHashMap<>();
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final CriPods pods = new CriPods();
    private final AtomicBoolean reconnectPending = new AtomicBoolean();
    private final AtomicBoolean listing = new AtomicBoolean();

    private final StatusRecorder status;
    private volatile RuntimeIdentity identity;
    private volatile Cancellable events;
    private volatile int streamEpoch;
    /** Null until the runtime has said whether it streams events. */
    private volatile Boolean eventsSupported;
    private volatile long pollTimer = -1;
    private volatile int reconnectAttempt;
    private volatile boolean stopped;

    CriWatcher(Vertx vertx, CriClient client, ContainerInventory inventory, Backoff backoff, Duration pollInterval) {
        this.vertx = vertx;
        this.client = client;
        this.inventory = inventory;
        this.backoff = backoff;
        this.pollInterval = pollInterval;
        this.endpointUri = client.endpoint().uri();
        this.status = new StatusRecorder(client.endpoint());
    }

    RuntimeIdentity identity() {
        return identity;
    }

    /** Told of every input over a cap on this endpoint, wherever it was found. */
    void tooLarge(io.phoenix.metrics.runtime.RuntimeApiException.TooLarge error) {
        status.tooLarge(error);
    }

    EndpointStatus status() {
        return status.current().withContainerCount(inventory.onEndpoint(endpointUri).size());
    }

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
                    stopFollowing();
                    status.error(error);
                    scheduleReconnect();
                    return false;
                });
    }

    private void identified(RuntimeIdentity found) {
        if (!found.equals(identity)) {
            LOG.infof("%s is %s %s (CRI %s)", endpointUri, found.kind().label(), found.version(), found.apiVersion());
        }
        identity = found;
        status.update(s -> s.withIdentity(found));
    }

    /** The event stream where the runtime has one (asked once per connection), else the poll timer. */
    private void followEvents() {
        if (Boolean.FALSE.equals(eventsSupported)) {
            startPolling();
            return;
        }
        int epoch = ++streamEpoch;
        Multi<ContainerEventResponse> stream = client.events();
        events = stream.subscribe().with(this::onEvent, error -> onStreamEnd(epoch, error),
                () -> onStreamEnd(epoch, new RuntimeApiException.Unavailable("CRI event stream closed by the runtime", null)));
    }

    private void onEvent(ContainerEventResponse event) {
        eventsSupported = true;
        status.update(s -> s.withLastEvent(Instant.now()));
        if (event.hasPodSandboxStatus() && !event.getPodSandboxStatus().getId().isEmpty()) {
            pods.put(event.getPodSandboxStatus().getId(), event.getPodSandboxStatus().getMetadata());
        }
        String id = event.getContainerId();
        if (event.getContainerEventType() == ContainerEventType.CONTAINER_DELETED_EVENT) {
            removed(id);
        } else {
            String sandbox = event.hasPodSandboxStatus() ? event.getPodSandboxStatus().getId() : null;
            refresh(id, sandbox).subscribe().with(ignored -> { });
        }
    }

    private void onStreamEnd(int epoch, Throwable error) {
        if (stopped || epoch != streamEpoch) {
            return;
        }
        events = null;
        if (CriClient.unimplemented(error)) {
            LOG.infof("%s: no CRI event stream (%s); listing every %s instead", endpointUri, error.getMessage(), pollInterval);
            eventsSupported = false;
            startPolling();
            return;
        }
        status.error(error);
        scheduleReconnect();
    }

    private synchronized void startPolling() {
        if (stopped || pollTimer >= 0) {
            return;
        }
        pollTimer = vertx.setPeriodic(pollInterval.toMillis(), id -> poll());
    }

    /** One list diff at a time; a failed one marks the endpoint down and hands over to the reconnect loop. */
    private void poll() {
        if (stopped || status.current().state() != EndpointState.UP || !listing.compareAndSet(false, true)) {
            return;
        }
        listAll().subscribe().with(ignored -> listing.set(false), error -> {
            listing.set(false);
            stopFollowing();
            status.error(error);
            scheduleReconnect();
        });
    }

    /** Periodic full list (DiscoveryService's resync); skipped while disconnected: the reconnect path lists anyway. */
    Uni<Void> resync() {
        if (stopped || status.current().state() != EndpointState.UP) {
            return Uni.createFrom().voidItem();
        }
        return listAll().invoke(status::up).onFailure().invoke(status::error).onFailure().recoverWithNull();
    }

    private Uni<Void> listAll() {
        return client.listContainers().chain(response -> {
            Set<String> listed = new HashSet<>();
            List<Container> changed = new ArrayList<>();
            for (Container container : response.getContainersList()) {
                listed.add(container.getId());
                String key = CriContainers.listKey(container);
                if (!key.equals(listKeys.put(container.getId(), key)) || inventory.get(container.getId()).isEmpty()) {
                    changed.add(container);
                }
            }
            listKeys.keySet().retainAll(listed);
            List<Uni<Void>> work = new ArrayList<>();
            for (ContainerInfo known : inventory.onEndpoint(endpointUri)) {
                if (!listed.contains(known.id())) {
                    work.add(refresh(known.id(), null)); // confirmed gone by NOT_FOUND before it is dropped
                }
            }
            boolean unknownSandbox = changed.stream().anyMatch(c -> !pods.knows(c.getPodSandboxId()));
            Uni<Void> named = unknownSandbox ? pods.list(client) : Uni.createFrom().voidItem();
            return named.chain(() -> {
                changed.forEach(c -> work.add(refresh(c.getId(), c.getPodSandboxId())));
                return work.isEmpty() ? Uni.createFrom().voidItem()
                        : Multi.createFrom().iterable(work).onItem().transformToUni(u -> u).merge(STATUS_CONCURRENCY)
                        .collect().last().replaceWithVoid();
            });
        });
    }

    /** Verbose ContainerStatus (pid for the kernel source); applied unless a newer one or a removal overtook it. */
    private Uni<Void> refresh(String id, String sandboxId) {
        long generation = generations.merge(id, 1L, Long::sum);
        RuntimeIdentity runtime = identity;
        return client.containerStatus(id)
                .invoke(response -> {
                    if (isCurrent(id, generation)) {
                        // The engines' caps, in one place: names, images and labels from CRI are untrusted too.
                        ContainerCaps.Trimmed trimmed = ContainerCaps.trim(CriContainers.fromStatus(response,
                                pods.of(sandboxId, inventory.get(id)), runtime.kind(), endpointUri));
                        inventory.put(trimmed.container());
                        if (trimmed.cut() != null) {
                            tooLarge(trimmed.cut());
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
                    listKeys.remove(id); // the next list asks again
                    if (!(error instanceof RuntimeApiException.CircuitOpen)) {
                        status.update(s -> s.withError(StatusRecorder.message(error), Instant.now()));
                    }
                    return Uni.createFrom().voidItem();
                });
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

    private void scheduleReconnect() {
        if (stopped || !reconnectPending.compareAndSet(false, true)) {
            return;
        }
        vertx.setTimer(backoff.delay(reconnectAttempt++).toMillis(), id -> {
            reconnectPending.set(false);
            connect().subscribe().with(ignored -> { });
        });
    }

    private synchronized void stopFollowing() {
        Cancellable current = events;
        events = null;
        streamEpoch++;
        if (current != null) {
            current.cancel();
        }
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
            pollTimer = -1;
        }
    }

    void stop() {
        stopped = true;
        stopFollowing();
        client.close();
    }
}
