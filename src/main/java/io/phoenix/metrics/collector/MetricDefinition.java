package io.phoenix.metrics.collector;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One metric, declared: name, help, type, unit, and how to read its value from a source object T (a container's
 * samples, one network interface, ...). Reading null means "not known for this one": no series is emitted.
 * Adding a metric is adding one of these to a collector's table.
 */
public record MetricDefinition<T>(String name, String help, MetricType type, String unit, Reader<T> reader) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @FunctionalInterface
    public interface Reader<T> {
        /** The value, or null when the source does not provide it. */
        Number read(T source);
    }

    public MetricDefinition {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name " + name);
        }
        if (type == MetricType.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        String base = type == MetricType.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
        if (unit != null && !base.endsWith("_" + unit)) {
            throw new IllegalArgumentException(name + ": the unit (" + unit + ") must be the name's suffix");
        }
    }

    public static <T> MetricDefinition<T> gauge(String name, String unit, String help, Reader<T> reader) {
        return new MetricDefinition<>(name, help, MetricType.GAUGE, unit, reader);
    }

    public static <T> MetricDefinition<T> counter(String name, String unit, String help, Reader<T> reader) {
        return new MetricDefinition<>(name, help, MetricType.COUNTER, unit, reader);
    }

    /** The value for this source with these labels, or null when the source does not have it. */
    public MetricValue valueOf(T source, Map<String, String> labels, long timestamp) {
        Number value = reader.read(source);
        return value == null ? null : new MetricValue(name, value.doubleValue(), type, unit, timestamp, labels, help);
    }
}
