package io.phoenix.metrics.collector;

import java.util.Objects;
import java.util.function.Function;

/**
 * One kind of collector, as node_exporter's {@code registerCollector} declares one: its name (also the name of its
 * default instance and of its config key {@code metrics.collectors.<name>}), whether that instance is on without
 * configuration, and how to create an instance from its resolved configuration.
 * <p>
 * The built-ins are {@link CollectorFactory#BUILT_IN}; a custom type is a CDI bean of this type (see
 * {@code examples/ExampleCollectorTypes}) or registered on a factory with {@link CollectorFactory#registerCollectorType}.
 */
public record CollectorType(String name, boolean enabledByDefault, Function<CollectorConfig, ? extends MetricsCollector> create) {

    public CollectorType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(create, "create");
    }
}
