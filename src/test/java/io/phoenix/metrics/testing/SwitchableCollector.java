package io.phoenix.metrics.testing;

import io.phoenix.metrics.collector.ConfiguredCollector;
import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.CollectorConfig;
import io.phoenix.metrics.collector.CollectorType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.collector.SystemMetricsCollector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A custom collector whose behaviour the test sets: fine, failing, or slower than its timeout. Counts its calls
 * so a test can see the configured retries happen. Its type is a test bean: discovered like a user's would be.
 */
public class SwitchableCollector extends ConfiguredCollector implements SystemMetricsCollector {

    private static final MetricFamily FAMILY = MetricFamily.gauge("phoenix_test_switchable", null, "Test collector.");

    @ApplicationScoped
    public static class Type {
        @Produces
        @Singleton
        CollectorType type() {
            return new CollectorType("switchable", true, SwitchableCollector::new);
        }
    }

    public enum Mode { OK, FAIL, SLOW }

    public static final AtomicReference<Mode> MODE = new AtomicReference<>(Mode.OK);
    public static final AtomicInteger CALLS = new AtomicInteger();

    public SwitchableCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect() throws Exception {
        CALLS.incrementAndGet();
        switch (MODE.get()) {
            case FAIL -> throw new IllegalStateException("switched to fail");
            case SLOW -> Thread.sleep(config().timeout().toMillis() * 3);
            default -> { }
        }
        return List.of(new MetricValue(FAMILY, 1, System.currentTimeMillis(), withCustomLabels(Map.of())));
    }
}
