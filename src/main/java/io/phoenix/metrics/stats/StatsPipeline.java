package io.phoenix.metrics.stats;

import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.config.MetricsConfig;
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

/**
 * Starts and stops stats streams as the inventory changes: a running (or paused) container is tracked by its
 * endpoint's source; one that stops or goes is untracked at once and its samples dropped, so its connection is
 * released and its resource series leave the next scrape.
 */
@ApplicationScoped
public class StatsPipeline {

    /** Delay before re-opening a stats stream that broke while its container still runs. */
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(1);

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
    /** metrics.source: whether numbers come from the kernel's cgroup files (issue 6) instead of the runtime APIs. */
    @Inject
    io.phoenix.metrics.stats.cgroup.CgroupSampler cgroup;

    private final Map<String, StatsSource> sources = new ConcurrentHashMap<>();

    @PostConstruct
    void registerGauges() {
        io.micrometer.core.instrument.Gauge.builder("phoenix_stats_streams_open", this, StatsPipeline::openStreams)
                .description("Stats streams open to the runtimes (Docker: one per running container; Podman: one per endpoint).")
                .register(registry);
    }

    void onChange(@Observes InventoryChange change) {
        ContainerInfo container = change.container();
        boolean wanted = !(change instanceof InventoryChange.Removed)
                && (container.state() == ContainerState.RUNNING || container.state() == ContainerState.PAUSED);
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

    private java.util.Optional<StatsSource> source(ContainerInfo container) {
        StatsSource existing = sources.get(container.endpoint());
        if (existing != null) {
            return java.util.Optional.of(existing);
        }
        return discovery.engine(container.endpoint()).map(engine -> sources.computeIfAbsent(container.endpoint(), uri -> {
            String endpoint = engine.client().endpoint().uri();
            if (cgroup.enabled()) {
                return cgroup.source(endpoint, this::accept); // Docker and Podman alike
            }
            var errors = io.micrometer.core.instrument.Counter.builder("phoenix_stats_stream_errors")
                    .description("Stats streams that broke or sent garbage, per runtime endpoint.")
                    .tag("endpoint", endpoint).register(registry);
            return switch (engine.identity().kind()) {
                case DOCKER -> new PerContainerStatsSource(vertx, engine.client(), this::accept, e -> errors.increment(), REOPEN_DELAY);
                case PODMAN -> new EndpointStatsSource(vertx, engine.client(), "v" + engine.identity().version(),
                        config.stats().interval(), this::accept, e -> errors.increment(), REOPEN_DELAY);
            };
        }));
    }

    /** A stream's last object for a stopping container carries no counters: keep the previous reading instead. */
    private void accept(StatsSample sample) {
        if (sample.cpu() != null || sample.memory() != null) {
            store.accept(sample);
        }
    }

    public int openStreams() {
        return sources.values().stream().mapToInt(StatsSource::openStreams).sum();
    }

    void onStop(@Observes ShutdownEvent event) {
        sources.values().forEach(StatsSource::close);
    }
}
