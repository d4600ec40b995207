package io.phoenix.metrics.testing;

import io.phoenix.metrics.collector.CollectorConfig;
import io.phoenix.metrics.collector.CollectorType;
import io.phoenix.metrics.collector.ConfiguredCollector;
import io.phoenix.metrics.collector.ContainerMetricsCollector;
import io.phoenix.metrics.collector.ContainerSnapshot;
import io.phoenix.metrics.collector.MetricValue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A container collector that fails for the containers a test names and emits nothing for the others. Its timer
 * is an hour (test profile), so after start-up it only runs when a container has a new sample or changed.
 */
public class FlakyContainerCollector extends ConfiguredCollector implements ContainerMetricsCollector {

    public static final Set<String> FAIL_FOR = ConcurrentHashMap.newKeySet();

    @ApplicationScoped
    public static class Type {
        @Produces
        @Singleton
        CollectorType type() {
            return new CollectorType("flaky", true, FlakyContainerCollector::new);
        }
    }

    public FlakyContainerCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        if (FAIL_FOR.contains(snapshot.container().id())) {
            throw new IllegalStateException("flaky for " + snapshot.container().id());
        }
        return List.of();
    }
}
