package io.phoenix.metrics.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the built-in container collectors: each is a table of {@link MetricDefinition}s plus the choice of what
 * to read them from. Adds the collector's custom labels to every series.
 */
public abstract class TableCollector extends ConfiguredCollector implements ContainerMetricsCollector {

    protected TableCollector(CollectorConfig config) {
        super(config);
    }

    /** A table reads the record, the labels and the samples; one whose entries read the clock says no. */
    @Override
    public boolean followsSamples() {
        return true;
    }

    /** The container's labels, then any extra (interface, device), then the collector's custom labels. */
    protected Map<String, String> labels(Map<String, String> containerLabels, String extraName, String extraValue) {
        if (extraName == null) {
            return withCustomLabels(containerLabels);
        }
        Map<String, String> labels = new LinkedHashMap<>(containerLabels);
        labels.put(extraName, extraValue);
        return withCustomLabels(labels);
    }

    /** One table over several items of a sample (interfaces, devices), each item's series labelled by {@code label}. */
    protected <T> List<MetricValue> emitEach(List<MetricDefinition<T>> table, List<T> items, ContainerSnapshot snapshot,
                                             String label, java.util.function.Function<T, String> labelValue) {
        List<MetricValue> out = new ArrayList<>(table.size() * items.size());
        long timestamp = snapshot.latest().readAt().toEpochMilli();
        for (T item : items) {
            emit(table, item, labels(snapshot.labels(), label, labelValue.apply(item)), timestamp, out);
        }
        return out;
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
