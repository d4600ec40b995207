package io.phoenix.metrics.testing;

import io.phoenix.metrics.collector.CollectorConfig;
import io.phoenix.metrics.collector.CollectorType;
import io.phoenix.metrics.collector.ConfiguredCollector;
import io.phoenix.metrics.collector.ContainerMetricsCollector;
import io.phoenix.metrics.collector.ContainerSnapshot;
import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.MetricValue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A container collector that follows samples and counts its runs per container, so a test can tell a container it
 * was run on from one whose values were only re-stamped. Emits its count, stamped with the newest sample's time: a
 * test sees when its turn in a pass is over, run or re-stamped. Its timer is an hour (test profile).
 */
public class CountingCollector extends ConfiguredCollector implements ContainerMetricsCollector {

    private static final Map<String, Integer> RUNS = new ConcurrentHashMap<>();
    private static final MetricFamily RUN_COUNT = MetricFamily.gauge("phoenix_test_counting_runs", null, "Runs so far.");

    @ApplicationScoped
    public static class Type {
        @Produces
        @Singleton
        CollectorType type() {
            return new CollectorType("counting", true, CountingCollector::new);
        }
    }

    public CountingCollector(CollectorConfig config) {
        super(config);
    }

    public static int runs(String containerId) {
        return RUNS.getOrDefault(containerId, 0);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        int runs = RUNS.merge(snapshot.container().id(), 1, Integer::sum);
        if (snapshot.latest() == null) {
            return List.of();
        }
        return List.of(new MetricValue(RUN_COUNT, runs, snapshot.latest().readAt().toEpochMilli(), snapshot.labels()));
    }

    @Override
    public boolean followsSamples() {
        return true;
    }
}
