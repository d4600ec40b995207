package io.phoenix.metrics.collector;

/**
 * Anything that produces metric values. Implement {@link ContainerMetricsCollector} or {@link SystemMetricsCollector},
 * take the {@link CollectorConfig} in the constructor (it is never null), and declare the type with a
 * {@link CollectorType}.
 */
public interface MetricsCollector {

    /** The settings this instance was created with. */
    CollectorConfig config();

    /** The instance name: the config key under {@code metrics.collectors.}. */
    default String name() {
        return config().name();
    }

    /** Called at shutdown, or when the collector is removed. */
    default void cleanup() {
    }
}
