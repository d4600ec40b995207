package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.runtime.RuntimeClient;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeGuard;
import io.phoenix.metrics.runtime.RuntimeEndpoint;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.runtime.cri.CriClient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One configured socket whose kind is found by asking: the Docker Engine API's {@code GET /version} first (Docker,
 * Podman), then CRI {@code Version} (containerd, CRI-O); CRI first where the socket is named like a CRI runtime's.
 * The first that answers decides, once, which watcher follows the endpoint from then on. A socket that answers
 * neither is {@code failing} with runtime {@code unknown} and is asked again with backoff; an absent or refusing one
 * is {@code unavailable}.
 */
final class ProbingWatcher {

    private static final Logger LOG = Logger.getLogger(ProbingWatcher.class);
    private static final Duration UNKNOWN_RETRY = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final RuntimeClient runtimeClient;
    /** Made on the first CRI question: an engine's endpoint answers the HTTP probe first and never loads gRPC. */
    private final Supplier<CriClient> criFactory;
    private CriClient criClient;
    private final ContainerInventory inventory;
    private final Backoff backoff;
    private final Duration pollInterval;

    private volatile EndpointWatcher engine;
    private volatile CriWatcher cri;
    private volatile EndpointStatus status;
    private volatile int attempt;
    private volatile boolean stopped;

    ProbingWatcher(Vertx vertx, RuntimeClient runtimeClient, Supplier<CriClient> criFactory, ContainerInventory inventory,
                   Backoff backoff, Duration pollInterval) {
        this.vertx = vertx;
        this.runtimeClient = runtimeClient;
        this.criFactory = criFactory;
        this.inventory = inventory;
        this.backoff = backoff;
        this.pollInterval = pollInterval;
        this.status = EndpointStatus.connecting(runtimeClient.endpoint());
    }

    RuntimeEndpoint endpoint() {
        return runtimeClient.endpoint();
    }

    /** The endpoint's one guard, shared by both clients. */
    RuntimeGuard guard() {
        return runtimeClient.guard();
    }

    Optional<RuntimeClient> runtimeClient() {
        return engine == null ? Optional.empty() : Optional.of(runtimeClient);
    }

    Optional<CriClient> criClient() {
        return cri == null ? Optional.empty() : Optional.of(cri());
    }

    private synchronized CriClient cri() {
        if (criClient == null) {
            criClient = criFactory.get();
        }
        return criClient;
    }

    private synchronized void closeCri() {
        if (criClient != null) {
            criClient.close();
        }
    }

    /** Null until the endpoint has said what it is. */
    RuntimeIdentity identity() {
        return engine != null ? engine.identity() : cri != null ? cri.identity() : null;
    }

    EndpointStatus status() {
        return engine != null ? engine.status() : cri != null ? cri.status() : status;
    }

    Uni<Boolean> start() {
        return probe();
    }

    private Uni<Boolean> probe() {
        if (stopped) {
            return Uni.createFrom().item(false);
        }
        boolean exists = Files.exists(endpoint().socket());
        if (!exists && status.state() == EndpointState.UNAVAILABLE) {
            // Already reported missing: a request would fail the same way, at the cost of a connection attempt, an
            // exception and the circuit's bookkeeping every few seconds. Looking for the file is enough.
            retryLater(false);
            return Uni.createFrom().item(false);
        }
        if (namedLikeCri() && exists) {
            // Asked in CRI's order: an HTTP request to a gRPC server only makes Vert.x log a parse error.
            return cri().version().chain(this::followCri)
                    .onFailure().recoverWithUni(criError -> unimplemented(criError)
                            ? Uni.createFrom().item(neither(criError, criError))
                            : runtimeClient.version().chain(this::followEngine)
                                    .onFailure().recoverWithItem(httpError -> neither(httpError, criError)));
        }
        // A socket that is absent or refuses the connection would refuse gRPC's too: loading gRPC and leaving its
        // channel to reconnect on its own would only cost an agent with nothing to follow.
        return runtimeClient.version().chain(this::followEngine)
                .onFailure().recoverWithUni(httpError -> refusedOrMissing(httpError)
                        ? Uni.createFrom().item(neither(httpError, httpError))
                        : cri().version().chain(this::followCri)
                                .onFailure().recoverWithItem(criError -> neither(httpError, criError)));
    }

    private Uni<Boolean> followEngine(RuntimeIdentity identity) {
        LOG.debugf("%s speaks the Docker Engine API", endpoint().uri());
        closeCri();
        engine = new EndpointWatcher(vertx, runtimeClient, inventory, backoff);
        return engine.start();
    }

    private Uni<Boolean> followCri(RuntimeIdentity identity) {
        LOG.debugf("%s speaks CRI", endpoint().uri());
        runtimeClient.close();
        cri = new CriWatcher(vertx, cri(), inventory, backoff, pollInterval);
        return cri.start();
    }

    /** containerd.sock, crio.sock and the like: CRI runtimes' usual socket names. */
    private boolean namedLikeCri() {
        Path name = endpoint().socket().getFileName();
        String file = name == null ? "" : name.toString();
        return file.startsWith("containerd") || file.startsWith("crio") || file.contains("cri");
    }

    /** A gRPC server without the CRI service: a containerd without its CRI plugin, as Docker's own. */
    private static boolean unimplemented(Throwable error) {
        return error.getCause() instanceof io.grpc.StatusRuntimeException grpc
                && grpc.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED;
    }

    /** Absent or refusing: unavailable. Something answered, but neither protocol: failing, runtime unknown. */
    private boolean neither(Throwable httpError, Throwable criError) {
        boolean circuitOpen = httpError instanceof RuntimeApiException.CircuitOpen && criError instanceof RuntimeApiException.CircuitOpen;
        // Unknown when something accepted the HTTP request and sent back what is not HTTP, and CRI failed too; an
        // engine that was merely slow, absent or refusing is not.
        boolean answered = Files.exists(endpoint().socket()) && !timedOut(httpError) && !refusedOrMissing(httpError);
        Instant now = Instant.now();
        synchronized (this) {
            if (answered) {
                String message = unimplemented(criError) && httpError == criError
                        ? "speaks gRPC without the CRI service (a containerd without its CRI plugin, as Docker's own): "
                                + "nothing to follow"
                        : "answers neither the Docker Engine API (" + httpError.getMessage() + ") nor CRI ("
                                + criError.getMessage() + ")";
                if (status.state() != EndpointState.FAILING) {
                    LOG.warnf("%s: unknown runtime: %s", endpoint().uri(), message);
                }
                status = status.withIdentity(new RuntimeIdentity(RuntimeKind.UNKNOWN, null, null))
                        .withState(EndpointState.FAILING, now).withError(message, now);
            } else if (!circuitOpen) {
                if (status.state() != EndpointState.UNAVAILABLE) {
                    LOG.warnf("%s: unavailable: %s", endpoint().uri(), httpError.getMessage());
                }
                status = status.withState(EndpointState.UNAVAILABLE, now).withError(httpError.getMessage(), now);
            }
        }
        retryLater(answered);
        return false;
    }

    private void retryLater(boolean answered) {
        if (!stopped) {
            // Something that answers garbage will not change soon: ask it rarely, so it cannot fill the log.
            long delay = answered ? Math.max(UNKNOWN_RETRY.toMillis(), backoff.delay(attempt).toMillis())
                    : backoff.delay(attempt).toMillis();
            attempt++;
            vertx.setTimer(delay, id -> probe().subscribe().with(ignored -> { }));
        }
    }

    private static boolean refusedOrMissing(Throwable error) {
        Throwable cause = error.getCause();
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        return error instanceof RuntimeApiException.CircuitOpen || cause instanceof java.net.ConnectException
                || cause instanceof java.nio.file.NoSuchFileException || cause instanceof java.io.FileNotFoundException
                || cause instanceof java.nio.file.AccessDeniedException || message.contains("refused")
                || message.contains("No such file") || message.contains("Permission denied")
                || cause instanceof io.netty.channel.ConnectTimeoutException;
    }

    private static boolean timedOut(Throwable error) {
        return error.getCause() instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                || error.getCause() instanceof io.grpc.StatusRuntimeException grpc
                && grpc.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED;
    }

    /** Told of every input over a cap on this endpoint, wherever it was found (stats streams too). */
    void tooLarge(RuntimeApiException.TooLarge error) {
        EndpointWatcher watcher = engine;
        CriWatcher criWatcher = cri;
        if (watcher != null) {
            watcher.tooLarge(error);
        } else if (criWatcher != null) {
            criWatcher.tooLarge(error);
        }
    }

    Uni<Void> resync() {
        return engine != null ? engine.resync() : cri != null ? cri.resync() : Uni.createFrom().voidItem();
    }

    void stop() {
        stopped = true;
        if (engine != null) {
            engine.stop();
        } else if (cri != null) {
            cri.stop();
        } else {
            runtimeClient.close();
            closeCri();
        }
    }
}
