package io.phoenix.metrics.collector;

import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.InventoryChange;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.StatsSample;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one collection path. Three things ask for values: the timer of the collectors' interval (every container, or
 * the host), a new sample of a container, and a change of its record (so a new container shows within milliseconds of
 * its start event); a container coming or going also reruns the host collectors that
 * {@linkplain SystemMetricsCollector#followsInventory follow the inventory}. All of them end in {@code collect}: one
 * collector, run through its {@link GuardedRun} (timeout, retries, duration, errors, health) on the
 * {@link CollectionThread} (the inventory's followers on the change's own), written to the {@link MetricStore}. A
 * removed container's values leave the store here, and only here.
 */
@ApplicationScoped
public class CollectionScheduler {

    @Inject
    CollectorRegistry registry;
    @Inject
    MetricStore store;
    @Inject
    ContainerInventory inventory;
    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry meters;
    @Inject
    SampleStore samples;

    /** How long the samples that arrive after a first one are gathered before they are recomputed together. */
    private static final long GATHER_MILLIS = 20;

    private final Map<String, GuardedRun> runs = new ConcurrentHashMap<>();
    private final CollectionThread thread = new CollectionThread();
    /** The enabled host collectors that follow the inventory (see {@link #onInventoryChange}). */
    private final List<SystemMetricsCollector> followers = new CopyOnWriteArrayList<>();
    private final RecomputeQueue queue = new RecomputeQueue(thread, GATHER_MILLIS, this::recompute);
    /** When each container was last recomputed from a sample or change (nanoTime): its timer pass skips it. */
    private final Map<String, Long> computedAt = new ConcurrentHashMap<>();
    private final UnchangedSamples unchanged = new UnchangedSamples();
    private volatile boolean started;

    /**
     * After discovery (default priority) has started, so the first pass already sees containers. One pass per
     * distinct interval, not per collector: the collectors that share an interval run together (a node agent's idle
     * cost is mostly wake-ups).
     */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
        registry.initializeAll();
        Map<Duration, List<MetricsCollector>> byInterval = new TreeMap<>();
        for (MetricsCollector collector : registry.collectors()) {
            store.declare(collector.name());
            if (collector.config().enabled()) {
                runs.put(collector.name(), new GuardedRun(collector.config(), config.unhealthyAfter(), meters));
                byInterval.computeIfAbsent(collector.config().interval(), i -> new ArrayList<>()).add(collector);
                if (collector instanceof SystemMetricsCollector host && host.followsInventory()) {
                    followers.add(host);
                }
            }
        }
        byInterval.forEach((interval, collectors) -> thread.every(interval, () -> run(collectors)));
        samples.onSample(this::recomputeSoon);
        if (config.exposition().timestamps()) {
            unchanged.turnOff(); // re-stamped values keep their lines, which here carry the old timestamps
        }
        started = true;
    }

    void stop(@Observes ShutdownEvent event) {
        thread.stop();
        registry.cleanupAll();
    }

    /** Health of an enabled collector. */
    public Optional<CollectorStatus> status(String name) {
        return Optional.ofNullable(runs.get(name)).map(GuardedRun::status);
    }

    /**
     * After the other observers (default priority), so that the host collectors that follow the inventory see the
     * change everywhere (the OOM tally). They run here, at once: a removed container's name leaves /metrics with its
     * own series, in the same rendering.
     */
    void onInventoryChange(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) InventoryChange change) {
        if (change instanceof InventoryChange.Removed removed) {
            forget(removed.container().id());
        } else {
            recomputeSoon(change.container().id());
        }
        if (!(change instanceof InventoryChange.Updated)) {
            followers.forEach(this::collect);
        }
    }

    // ---- what asks for values ----------------------------------------------------------------------------------

    /** Queues one container for its container collectors. */
    private void recomputeSoon(String containerId) {
        if (started) {
            queue.add(containerId);
        }
    }

    /**
     * Every enabled container collector on these containers, now: the sample- and change-driven path. The collectors
     * that follow samples skip the containers that read as last time, whose values they would only write again.
     */
    private void recompute(List<String> containerIds) {
        List<ContainerInfo> containers = new ArrayList<>(containerIds.size());
        for (String id : containerIds) {
            inventory.get(id).ifPresent(containers::add);
        }
        if (containers.isEmpty()) {
            return;
        }
        List<ContainerSnapshot> snapshots = snapshots(containers);
        UnchangedSamples.Split split = unchanged.split(snapshots);
        Set<String> failed = new HashSet<>();
        for (MetricsCollector collector : registry.collectors()) {
            if (collector.config().enabled() && collector instanceof ContainerMetricsCollector c) {
                if (c.followsSamples()) {
                    collect(c, split.changed(), failed);
                    restamp(c, split.same());
                } else {
                    collect(c, snapshots, failed);
                }
            }
        }
        unchanged.ranOn(split.changed(), failed);
        long at = System.nanoTime();
        for (ContainerInfo container : containers) {
            if (inventory.get(container.id()).isPresent()) {
                computedAt.put(container.id(), at);
            }
        }
    }

    /** One run of one collector over everything it covers (the timer's path); public for tests that must not wait. */
    public void run(MetricsCollector collector) {
        run(List.of(collector));
    }

    /** One pass of collectors that share an interval: the containers due are found and snapshotted once. */
    private void run(List<MetricsCollector> collectors) {
        List<ContainerSnapshot> due = null;
        Set<String> seen = null;
        // Not read: the basis of every container due is dropped anyway.
        Set<String> failed = null;
        for (MetricsCollector collector : collectors) {
            if (collector instanceof ContainerMetricsCollector containers) {
                if (due == null) {
                    seen = new HashSet<>();
                    failed = new HashSet<>();
                    due = snapshots(due(collector.config().interval(), seen));
                    registry.retain(seen);
                    unchanged.retain(seen);
                    // Not computed from a sample: the next sample runs every collector.
                    due.forEach(snapshot -> unchanged.forget(snapshot.container().id()));
                }
                collect(containers, due, failed);
                store.retain(collector.name(), seen);
            } else if (collector instanceof SystemMetricsCollector system) {
                collect(system);
            }
        }
    }

    /** The containers not already computed from a sample within the last interval; every container into seen. */
    private List<ContainerInfo> due(Duration interval, Set<String> seen) {
        long freshSince = System.nanoTime() - interval.toNanos();
        List<ContainerInfo> due = new ArrayList<>();
        for (ContainerInfo container : inventory.all()) {
            seen.add(container.id());
            Long at = computedAt.get(container.id());
            if (at == null || at - freshSince <= 0) {
                due.add(container);
            }
        }
        return due;
    }

    // ---- the one operation -------------------------------------------------------------------------------------

    /**
     * One container collector over some containers, guarded and measured once. A failing container does not stop
     * the others: its id goes into {@code failed}, and its error is raised after the pass, so the collector's health
     * shows it while the rest is written.
     */
    private void collect(ContainerMetricsCollector collector, List<ContainerSnapshot> snapshots, Set<String> failed) {
        String name = collector.name();
        if (snapshots.isEmpty()) {
            runs.get(name).nothingDue();
            return;
        }
        runs.get(name).run(() -> {
            String failure = null;
            for (ContainerSnapshot snapshot : snapshots) {
                try {
                    StatsSample latest = snapshot.latest();
                    write(name, snapshot.container().id(), collector.collect(snapshot),
                            latest == null ? -1 : latest.readAt().toEpochMilli());
                } catch (RuntimeException e) {
                    failed.add(snapshot.container().id());
                    failure = failure != null ? failure : snapshot.container().name() + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return null;
        });
    }

    /** A host collector, guarded; one run at a time, so that the timer's and a change's runs write in order. */
    private void collect(SystemMetricsCollector collector) {
        synchronized (collector) {
            runs.get(collector.name()).run(() -> {
                store.put(collector.name(), MetricStore.HOST, collector.collect());
                return null;
            });
        }
    }

    private List<ContainerSnapshot> snapshots(List<ContainerInfo> containers) {
        Instant now = Instant.now();
        List<ContainerSnapshot> snapshots = new ArrayList<>(containers.size());
        for (ContainerInfo container : containers) {
            snapshots.add(registry.snapshot(container, now));
        }
        return snapshots;
    }

    // ---- removal: here only ------------------------------------------------------------------------------------

    /** Writes one container's values, unless it was removed while they were computed (then its series stay gone). */
    private void write(String collector, String containerId, List<MetricValue> values, long sampleAt) {
        store.put(collector, containerId, values, sampleAt);
        if (inventory.get(containerId).isEmpty()) {
            forget(containerId);
        }
    }

    /** The values of containers that read as last time, kept and stamped with this snapshot's times. */
    private void restamp(ContainerMetricsCollector collector, List<ContainerSnapshot> snapshots) {
        for (ContainerSnapshot snapshot : snapshots) {
            store.restamp(collector.name(), snapshot.container().id(), snapshot.latest().readAt().toEpochMilli(),
                    snapshot.now().toEpochMilli());
        }
    }

    private void forget(String containerId) {
        queue.remove(containerId);
        computedAt.remove(containerId);
        unchanged.forget(containerId);
        registry.forget(containerId);
        store.forget(containerId);
    }
}
