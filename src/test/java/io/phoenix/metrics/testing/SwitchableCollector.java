package io.phoenix.metrics.testing;

import io.phoenix.metrics.collector.ConfiguredCollector;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.collector.SystemMetricsCollector;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A custom collector whose behaviour the test sets: fine, failing, or slower than its timeout. Counts its calls
 * so a test can see the configured retries happen. A test bean: discovered like a user's collector would be.
 */
@ApplicationScoped
public class SwitchableCollector extends ConfiguredCollector implements SystemMetricsCollector {

    public enum Mode { OK, FAIL, SLOW }

    public static final AtomicReference<Mode> MODE = new AtomicReference<>(Mode.OK);
    public static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public String name() {
        return "switchable";
    }

    @Override
    public List<MetricValue> collect() throws Exception {
        CALLS.incrementAndGet();
        switch (MODE.get()) {
            case FAIL -> throw new IllegalStateException("switched to fail");
            case SLOW -> Thread.sleep(config().timeout().toMillis() * 3);
            default -> { }
        }
        return List.of(new MetricValue("phoenix_test_switchable", 1, MetricType.GAUGE, null, System.currentTimeMillis(),
                withCustomLabels(Map.of()), "Test collector."));
    }
}
