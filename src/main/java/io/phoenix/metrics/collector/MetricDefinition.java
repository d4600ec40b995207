package io.phoenix.metrics.collector;

import java.util.Map;

/**
 * One metric, declared: its {@link MetricFamily} and how to read its value from a source object T (a container's
 * samples, one network interface, ...). Reading null means "not known for this one": no series is emitted.
 * Adding a metric is adding one of these to a collector's table.
 */
public record MetricDefinition<T>(MetricFamily family, Reader<T> reader) {

    @FunctionalInterface
    public interface Reader<T> {
        /** The value, or null when the source does not provide it. */
        Number read(T source);
    }

    public static <T> MetricDefinition<T> gauge(String name, String unit, String help, Reader<T> reader) {
        return new MetricDefinition<>(MetricFamily.gauge(name, unit, help), reader);
    }

    public static <T> MetricDefinition<T> counter(String name, String unit, String help, Reader<T> reader) {
        return new MetricDefinition<>(MetricFamily.counter(name, unit, help), reader);
    }

    public String name() {
        return family.name();
    }

    public String help() {
        return family.help();
    }

    /** The value for this source with these labels, or null when the source does not have it. */
    public MetricValue valueOf(T source, Map<String, String> labels, long timestamp) {
        Number value = reader.read(source);
        return value == null ? null : new MetricValue(family, value.doubleValue(), timestamp, labels);
    }
}
