package io.phoenix.metrics.stats;

import io.phoenix.metrics.stats.cgroup.CgroupSampler;
import java.util.Optional;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.runtime.Backoff;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.DiscoveryService;
import io.phoenix.metrics.discovery.InventoryChange;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Starts and stops stats streams as the inventory changes: a running (or paused) container is tracked by its
 * endpoint's source; one that stops or goes is untracked at once and its samples dropped, so its connection is
 * released and its resource series leave the next scrape.
 */
@ApplicationScoped
public class StatsPipeline {

    /**
     * Re-opening a stats stream that broke while its container still runs: from 1 s, doubling, up to 5 s (kept
     * short so streams are back within seconds of an engine's return; a dead engine is spared by its circuit).
     */
    private static final Backoff REOPEN = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));

    @Inject
    DiscoveryService discovery;
    @Inject
    SampleStore store;
    @Inject
    Vertx vertx;
    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry registry;
    /** metrics.source: whether numbers come from the kernel's cgroup files instead of the runtime APIs. */
    @Inject
    CgroupSampler cgroup;
    @Inject
    EffectiveLimit limits;

    private final Map<String, StatsSource> sources = new ConcurrentHashMap<>();

    @PostConstruct
    void registerGauges() {
        Gauge.builder("phoenix_stats_source", () -> 1)
                .description("Always 1; label source says where the numbers come from: cgroup (kernel files) or api (engine streams).")
                .tag("source", cgroup.decision().cgroup() ? "cgroup" : "api")
                .register(registry);
        Gauge.builder("phoenix_stats_streams_open", this, StatsPipeline::openStreams)
                .description("Stats streams open to the runtimes (Docker: one per running container; Podman: one per endpoint).")
                .register(registry);
    }

    void onChange(@Observes InventoryChange change) {
        ContainerInfo container = change.container();
        boolean wanted = !(change instanceof InventoryChange.Removed)
                && (container.state() == ContainerState.RUNNING || container.state() == ContainerState.PAUSED);
        if (change instanceof InventoryChange.Updated updated && !updated.previous().endpoint().equals(container.endpoint())) {
            // The same id reached through another socket: its stream moves there, none is left open on the old one.
            StatsSource old = sources.get(updated.previous().endpoint());
            if (old != null) {
                old.untrack(container.id());
            }
        }
        if (wanted) {
            source(container).ifPresent(source -> source.track(container));
        } else {
            StatsSource source = sources.get(container.endpoint());
            if (source != null) {
                source.untrack(container.id());
            }
            store.forget(container.id());
        }
    }

    private Optional<StatsSource> source(ContainerInfo container) {
        StatsSource existing = sources.get(container.endpoint());
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<io.phoenix.metrics.runtime.cri.CriClient> cri = discovery.cri(container.endpoint());
        if (cri.isPresent()) { // CRI: kernel files by the pid of verbose ContainerStatus, else CRI ContainerStats
            return Optional.of(sources.computeIfAbsent(container.endpoint(), uri -> cgroup.enabled() ? cgroup.source(uri, store::accept)
                    : new CriStatsSource(vertx, cri.get(), config.stats().interval(), store::accept)));
        }
        // Kernel files when metrics.source allows (both engines alike); otherwise the runtime kind decides:
        // Docker streams per container, Podman one libpod stream for all.
        return discovery.runtime(container.endpoint()).map(runtime -> sources.computeIfAbsent(container.endpoint(), uri -> {
            if (cgroup.enabled()) {
                return cgroup.source(uri, sample -> store.accept(limits.fromKernel(sample)));
            }
            Consumer<StatsSample> sink = sample -> store.accept(limits.fromEngine(sample));
            return switch (runtime.identity().kind()) {
                case DOCKER -> new DockerPerContainerStatsSource(vertx, runtime.client(), sink, REOPEN,
                        config.stats().staleAfter());
                case PODMAN -> new PodmanAllContainersStatsSource(vertx, runtime.client(), runtime.identity().version(),
                        config.stats().interval(), sink, REOPEN, config.stats().staleAfter());
                default -> throw new IllegalStateException(runtime.identity().kind().label() + " is not a Docker API engine");
            };
        }));
    }

    /** Stats streams open to one endpoint. */
    public int openStreams(String endpointUri) {
        StatsSource source = sources.get(endpointUri);
        return source == null ? 0 : source.openStreams();
    }

    public int openStreams() {
        return sources.values().stream().mapToInt(StatsSource::openStreams).sum();
    }

    void onStop(@Observes ShutdownEvent event) {
        sources.values().forEach(StatsSource::close);
    }
}
