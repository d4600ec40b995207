package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.Backoff;
import java.util.Locale;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.runtime.EndpointResolver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.runtime.RuntimeClient;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeGuard;
import io.phoenix.metrics.runtime.RuntimeEndpoint;
import io.phoenix.metrics.runtime.RuntimeIdentity;
import io.phoenix.metrics.runtime.cri.CriClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** Starts one watcher per resolved endpoint and keeps them resynced. Never blocks start-up on an engine. */
@ApplicationScoped
public class DiscoveryService {

    private static final Logger LOG = Logger.getLogger(DiscoveryService.class);
    /** Endpoints are few; connections per endpoint are dominated by stats streams (one per running container). */
    private static final int MAX_CONNECTIONS_PER_ENDPOINT = 2048;

    @Inject
    Vertx vertx;
    @Inject
    MetricsConfig config;
    @Inject
    ContainerInventory inventory;
    @Inject
    MeterRegistry meters;

    private volatile List<ProbingWatcher> watchers = List.of();
    private final EndpointResolver resolver = EndpointResolver.system();
    private final AtomicBoolean resyncing = new AtomicBoolean();
    private volatile long resyncTimer = -1;

    void onStart(@Observes StartupEvent event) {
        MetricsConfig.Discovery discovery = config.discovery();
        long every = discovery.resyncInterval().toMillis();
        if (every < 1) {
            throw new IllegalArgumentException(
                    "metrics.discovery.resync-interval=" + discovery.resyncInterval() + ": must be positive");
        }
        List<RuntimeEndpoint> endpoints = resolver.resolve(config.runtimes(), config.autodetect());
        if (endpoints.isEmpty()) {
            LOG.warn(noEndpointMessage());
            return;
        }
        Backoff backoff = new Backoff(discovery.reconnectMinDelay(), discovery.reconnectMaxDelay());
        MetricsConfig.FaultTolerance ft = config.faultTolerance();
        RuntimeGuard.Settings guarding = new RuntimeGuard.Settings(discovery.requestTimeout(), ft.retries(), ft.retryDelay(),
                ft.circuitDelay(), ft.circuitVolume(), ft.circuitFailureRatio());
        RuntimeClient.Options options = new RuntimeClient.Options(config.apiVersion(), discovery.requestTimeout(),
                MAX_CONNECTIONS_PER_ENDPOINT, discovery.keepAlive());
        watchers = endpoints.stream().map(endpoint -> watcherFor(endpoint, options, guarding, backoff)).toList();
        for (ProbingWatcher watcher : watchers) {
            RuntimeGuard guard = watcher.guard();
            Gauge.builder("phoenix_runtime_circuit_state", guard, g -> switch (g.circuitState()) {
                        case CLOSED -> 0;
                        case HALF_OPEN -> 1;
                        case OPEN -> 2;
                    })
                    .description("Circuit breaker of a runtime endpoint: 0 closed, 1 half-open, 2 open.")
                    .tag("endpoint", watcher.endpoint().uri()).register(meters);
            Gauge.builder("phoenix_runtime_up", watcher, w -> w.status().state() == EndpointState.UP ? 1 : 0)
                    .description("1 while the runtime endpoint is identified, listed and followed.")
                    .tag("endpoint", watcher.endpoint().uri()).register(meters);
        }
        LOG.infof("Watching %d runtime endpoint(s): %s", watchers.size(),
                endpoints.stream().map(e -> e.uri() + " (" + e.origin().name().toLowerCase() + ")").collect(Collectors.joining(", ")));
        // A Vert.x timer, not a scheduler: Quarkus' scheduler wakes every second to check its triggers.
        resyncTimer = vertx.setPeriodic(every, every, id -> resyncOnTimer());
        Multi.createFrom().iterable(watchers)
                .onItem().transformToUniAndMerge(ProbingWatcher::start)
                .collect().asList()
                .subscribe().with(results -> {
                    long up = results.stream().filter(Boolean::booleanValue).count();
                    if (up == 0) {
                        LOG.warn(noneReachableMessage());
                    } else {
                        LOG.infof("%d of %d runtime endpoint(s) reachable", up, results.size());
                    }
                });
    }

    /**
     * The watcher of one endpoint: where a runtime kind plugs into discovery. Docker and Podman both speak the Docker
     * Engine API (one client, EndpointWatcher); CRI runtimes have their own client and CriWatcher. Which one an
     * endpoint speaks is found by asking it: both clients share the endpoint's one guard until it has answered.
     */
    private ProbingWatcher watcherFor(RuntimeEndpoint endpoint, RuntimeClient.Options options, RuntimeGuard.Settings guarding,
                                      Backoff backoff) {
        RuntimeGuard guard = new RuntimeGuard(endpoint, guarding);
        RuntimeClient client = new RuntimeClient(vertx, endpoint, options, guard, error -> countError(endpoint, error));
        return new ProbingWatcher(vertx, client,
                () -> new CriClient(endpoint, options.requestTimeout(), guard, error -> countError(endpoint, error)),
                inventory, backoff, config.cri().pollInterval());
    }

    /** An input over a cap marks its endpoint failing, wherever it was found (stats streams too). */
    private void markTooLarge(RuntimeEndpoint endpoint, RuntimeApiException error) {
        if (error instanceof RuntimeApiException.TooLarge tooLarge) {
            watchers.stream().filter(w -> w.endpoint().uri().equals(endpoint.uri())).forEach(w -> w.tooLarge(tooLarge));
        }
    }

    /** Failed requests and streams per endpoint and kind (unavailable, protocol, circuit_open). */
    private void countError(RuntimeEndpoint endpoint, RuntimeApiException error) {
        markTooLarge(endpoint, error);
        String kind = error.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        Counter.builder("phoenix_runtime_errors").description("Failed requests and streams to a runtime endpoint, by kind.")
                .tag("endpoint", endpoint.uri()).tag("kind", kind).register(meters).increment();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (resyncTimer >= 0) {
            vertx.cancelTimer(resyncTimer);
        }
        watchers.forEach(ProbingWatcher::stop);
    }

    /** The periodic full list; skipped while the previous one still runs. */
    private void resyncOnTimer() {
        if (resyncing.compareAndSet(false, true)) {
            resyncAll().subscribe().with(ignored -> resyncing.set(false), error -> {
                resyncing.set(false);
                LOG.debugf("resync failed: %s", error.getMessage());
            });
        }
    }

    /** Lists every reachable endpoint in full and reconciles the inventory with what it says. */
    public Uni<Void> resyncAll() {
        return Multi.createFrom().iterable(watchers)
                .onItem().transformToUniAndMerge(ProbingWatcher::resync)
                .collect().last().replaceWithVoid();
    }

    /** The client and identity of an endpoint, once it has said what it is: for the stats sources. */
    public Optional<RuntimeHandle> runtime(String endpointUri) {
        return watchers.stream()
                .filter(w -> w.endpoint().uri().equals(endpointUri) && w.identity() != null && w.runtimeClient().isPresent())
                .findFirst()
                .map(w -> new RuntimeHandle(w.runtimeClient().get(), w.identity()));
    }

    /** The CRI client of an endpoint that speaks CRI, once it has said what it is: for the stats sources. */
    public Optional<CriClient> cri(String endpointUri) {
        return watchers.stream()
                .filter(w -> w.endpoint().uri().equals(endpointUri) && w.identity() != null)
                .findFirst()
                .flatMap(ProbingWatcher::criClient);
    }

    public record RuntimeHandle(RuntimeClient client, RuntimeIdentity identity) {
    }

    public List<EndpointStatus> statuses() {
        return watchers.stream().map(w -> w.status().withCircuit(w.guard().circuit())).toList();
    }

    /** What to tell an operator when nothing answers: which sockets were tried and how to name one. */
    public String noneReachableMessage() {
        if (watchers.isEmpty()) {
            return noEndpointMessage();
        }
        return "No container runtime reachable: " + statuses().stream()
                .map(s -> s.socket() + (s.lastError() == null ? " (no answer yet)" : ": " + s.lastError()))
                .collect(Collectors.joining("; "))
                + ". The service keeps running and retries with backoff.";
    }

    private String noEndpointMessage() {
        return config.runtimes().isPresent() || !config.autodetect()
                ? "No container runtime endpoint configured (metrics.runtimes is empty and metrics.autodetect=false)."
                : "No container runtime found: DOCKER_HOST, CONTAINER_HOST and CONTAINER_RUNTIME_ENDPOINT are unset and none of "
                + "/var/run/docker.sock, /run/podman/podman.sock, $XDG_RUNTIME_DIR/podman/podman.sock, "
                + "/run/containerd/containerd.sock, /var/run/crio/crio.sock exists. Set metrics.runtimes=unix:///path/to.sock.";
    }
}
