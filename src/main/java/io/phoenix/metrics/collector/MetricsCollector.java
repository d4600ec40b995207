package io.phoenix.metrics.collector;

/** Anything that produces metric values. Implement {@link ContainerMetricsCollector} or {@link SystemMetricsCollector}. */
public interface MetricsCollector {

    /** The default instance name, and the config key under {@code metrics.collectors.}. */
    String name();

    /** Called once with the resolved settings before the first collection. */
    void initialize(CollectorConfig config);

    CollectorConfig config();

    /** Called at shutdown, or when the collector is removed. */
    default void cleanup() {
    }
}
