package io.phoenix.metrics.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the built-in container collectors: each is a table of {@link MetricDefinition}s plus the choice of what
 * to read them from. Adds the collector's custom labels to every series.
 */
public abstract class TableCollector implements ContainerMetricsCollector {

    private CollectorConfig config;

    @Override
    public void initialize(CollectorConfig config) {
        this.config = config;
    }

    @Override
    public CollectorConfig config() {
        return config;
    }

    /** The container's labels, then any extra (interface, device), then the collector's custom labels. */
    protected Map<String, String> labels(Map<String, String> containerLabels, String extraName, String extraValue) {
        Map<String, String> labels = new LinkedHashMap<>(containerLabels);
        if (extraName != null) {
            labels.put(extraName, extraValue);
        }
        if (config != null) {
            labels.putAll(config.customLabels());
        }
        return labels;
    }

    protected static <T> void emit(List<MetricDefinition<T>> table, T source, Map<String, String> labels, long timestamp,
                                   List<MetricValue> out) {
        for (MetricDefinition<T> definition : table) {
            MetricValue value = definition.valueOf(source, labels, timestamp);
            if (value != null) {
                out.add(value);
            }
        }
    }

    protected static <T> List<MetricValue> emit(List<MetricDefinition<T>> table, T source, Map<String, String> labels, long timestamp) {
        List<MetricValue> out = new ArrayList<>(table.size());
        emit(table, source, labels, timestamp, out);
        return out;
    }

    /** Nanoseconds to seconds, null-safe (null stays null: unknown). */
    protected static Double seconds(Long nanos) {
        return nanos == null ? null : nanos / 1e9;
    }
}
