package io.phoenix.metrics.collector;

import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Iterator;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.discovery.InventoryChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 *
 * <p>Container collectors also run for one container as soon as it has a new sample or its record changed, so
 * /metrics is as fresh as the engine's stream and a new container shows at once, not at the next tick. Those
 * containers are queued (de-duplicated) and drained by one worker at a time.
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
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final List<Long> timers = new CopyOnWriteArrayList<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** When each container was last refreshed by a sample or change (nanoTime): the periodic pass skips those. */
    private final Map<String, Long> refreshedAt = new ConcurrentHashMap<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean started;

    @Inject
    SampleStore samples;

    /** After discovery (default priority) has started, so the first tick already sees containers. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
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
        samples.onSample(this::refreshSoon);
        started = true;
    }

    void onInventoryChange(@Observes InventoryChange change) {
        if (!(change instanceof InventoryChange.Removed)) {
            refreshSoon(change.container().id());
        }
    }

    /** Queues one container for its container collectors; cheap, called from event loops. */
    private void refreshSoon(String containerId) {
        if (!started) {
            return;
        }
        dirty.add(containerId);
        if (draining.compareAndSet(false, true)) {
            vertx.executeBlocking(Uni.createFrom().item(() -> {
                drain();
                return null;
            }), false).subscribe().with(ignored -> { }, error -> draining.set(false));
        }
    }

    private void drain() {
        do {
            for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
                String id = it.next();
                it.remove();
                inventory.get(id).ifPresent(this::refresh);
            }
            draining.set(false);
        } while (!dirty.isEmpty() && draining.compareAndSet(false, true));
    }

    private void refresh(ContainerInfo container) {
        ContainerSnapshot snapshot = registry.snapshot(container, Instant.now());
        for (MetricsCollector collector : registry.collectors()) {
            if (collector.config().enabled() && collector instanceof ContainerMetricsCollector c) {
                try {
                    store.put(collector.config().name(), container.id(), c.collect(snapshot));
                } catch (RuntimeException e) {
                    health.get(collector.config().name()).failure(container.name() + ": " + e.getMessage(), Duration.ZERO);
                }
            }
        }
        if (inventory.get(container.id()).isEmpty()) {
            store.forget(container.id()); // removed while we computed: do not bring its series back
            refreshedAt.remove(container.id());
        } else {
            refreshedAt.put(container.id(), System.nanoTime());
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
        try {
            guards.computeIfAbsent(c.name(), name -> guardFor(c)).call(() -> {
                pass(collector);
                return null;
            }, Void.class);
        } catch (TimeoutException e) {
            failure = "took longer than the timeout of " + c.timeout().toMillis() + " ms";
        } catch (Exception e) {
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Timer.builder("phoenix_collector_duration").description("Time one collection pass of a collector takes.")
                .tag("collector", c.name()).register(meters).record(took);
        CollectorHealth h = health.get(c.name());
        if (failure == null) {
            h.success(took);
        } else {
            LOG.debugf("collector %s failed: %s", c.name(), failure);
            Counter.builder("phoenix_collector_errors").description("Collection passes that failed, per collector.")
                    .tag("collector", c.name()).register(meters).increment();
            h.failure(failure, took);
        }
    }

    /**
     * The collector's own timeout and retries (SmallRye's programmatic Guard: settings per instance, which
     * annotations cannot do). A retry re-runs the whole pass; passes are idempotent.
     */
    private static Guard guardFor(CollectorConfig c) {
        Guard.Builder builder = Guard.create().withDescription("collector " + c.name())
                .withTimeout().duration(c.timeout().toMillis(), ChronoUnit.MILLIS).done();
        if (c.retryAttempts() > 0) {
            builder = builder.withRetry().maxRetries(c.retryAttempts())
                    .delay(c.retryDelay().toMillis(), ChronoUnit.MILLIS)
                    .abortOn(TimeoutException.class)
                    .done();
        }
        return builder.build();
    }

    /**
     * Every container, or the host, once. A failing container does not stop the others: its error is raised
     * after the pass, so the collector's health shows it while the rest is still written.
     */
    private void pass(MetricsCollector collector) throws Exception {
        String name = collector.config().name();
        if (collector instanceof ContainerMetricsCollector containers) {
            Instant now = Instant.now();
            Set<String> seen = new HashSet<>();
            String failure = null;
            long fresh = System.nanoTime() - collector.config().interval().toNanos();
            for (ContainerInfo container : inventory.all()) {
                seen.add(container.id());
                Long refreshed = refreshedAt.get(container.id());
                if (refreshed != null && refreshed - fresh > 0) {
                    continue; // already computed from a sample within this interval: no need to do it twice
                }
                try {
                    store.put(name, container.id(), containers.collect(registry.snapshot(container, now)));
                } catch (RuntimeException e) {
                    failure = failure != null ? failure : container.name() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            }
            store.retain(name, seen);
            refreshedAt.keySet().retainAll(seen);
            for (String id : seen) {
                if (inventory.get(id).isEmpty()) {
                    store.forget(id); // removed during the pass: do not keep what we just wrote for it
                }
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        } else if (collector instanceof SystemMetricsCollector system) {
            store.put(name, MetricStore.HOST, system.collect());
        }
    }
}
