package io.phoenix.metrics.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs each enabled collector at its own interval on a worker thread (a custom collector may block) and writes
 * what it returns to the {@link MetricStore}. A tick that finds the previous one still running is skipped.
 */
@ApplicationScoped
public class CollectionScheduler {

    private static final Logger LOG = Logger.getLogger(CollectionScheduler.class);

    @Inject
    CollectorRegistry registry;
    @Inject
    MetricStore store;
    @Inject
    ContainerInventory inventory;
    @Inject
    Vertx vertx;
    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry meters;

    private final Map<String, CollectorHealth> health = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** After discovery (default priority) has started, so the first tick already sees containers. */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
        registry.initializeAll();
        for (MetricsCollector collector : registry.collectors()) {
            CollectorConfig c = collector.config();
            health.put(c.name(), new CollectorHealth(c.name(), config.unhealthyAfter()));
            store.declare(c.name());
            if (!c.enabled()) {
                continue;
            }
            running.put(c.name(), new AtomicBoolean());
            timers.add(vertx.setPeriodic(0, c.interval().toMillis(), id -> tick(collector)));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        timers.forEach(vertx::cancelTimer);
        registry.cleanupAll();
    }

    public Optional<CollectorStatus> status(String name) {
        return Optional.ofNullable(health.get(name)).map(CollectorHealth::status);
    }

    private void tick(MetricsCollector collector) {
        AtomicBoolean busy = running.get(collector.config().name());
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(Uni.createFrom().item(() -> {
                    run(collector);
                    return null;
                }), false)
                .subscribe().with(ignored -> busy.set(false), error -> busy.set(false));
    }

    /** One collection; public for tests that must not wait for a tick. */
    public void run(MetricsCollector collector) {
        CollectorConfig c = collector.config();
        long started = System.nanoTime();
        String failure = null;
        if (collector instanceof ContainerMetricsCollector containers) {
            Instant now = Instant.now();
            Set<String> seen = new HashSet<>();
            for (ContainerInfo container : inventory.all()) {
                seen.add(container.id());
                try {
                    store.put(c.name(), container.id(), withRetries(c, () -> containers.collect(registry.snapshot(container, now))));
                } catch (Exception e) {
                    failure = failure != null ? failure : container.name() + ": " + describe(e);
                }
            }
            store.retain(c.name(), seen);
        } else if (collector instanceof SystemMetricsCollector system) {
            try {
                store.put(c.name(), MetricStore.HOST, withRetries(c, system::collect));
            } catch (Exception e) {
                failure = describe(e);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (failure == null && took.compareTo(c.timeout()) > 0) {
            failure = "took " + took.toMillis() + " ms, over the timeout of " + c.timeout().toMillis() + " ms";
        }
        CollectorHealth h = health.get(c.name());
        Timer.builder("phoenix_collector_duration").description("Time one collection pass of a collector takes.")
                .tag("collector", c.name()).register(meters).record(took);
        if (failure == null) {
            h.success(took);
        } else {
            LOG.debugf("collector %s failed: %s", c.name(), failure);
            io.micrometer.core.instrument.Counter.builder("phoenix_collector_errors")
                    .description("Collection passes that failed, per collector.").tag("collector", c.name())
                    .register(meters).increment();
            h.failure(failure, took);
        }
    }

    private interface Work {
        List<MetricValue> call() throws Exception;
    }

    private static List<MetricValue> withRetries(CollectorConfig c, Work work) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return work.call();
            } catch (Exception e) {
                if (attempt >= c.retryAttempts()) {
                    throw e;
                }
                if (!c.retryDelay().isZero()) {
                    Thread.sleep(c.retryDelay().toMillis());
                }
            }
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
