package io.phoenix.metrics.examples;

import io.phoenix.metrics.collector.CollectorConfig;
import io.phoenix.metrics.collector.ConfiguredCollector;
import io.phoenix.metrics.collector.ContainerMetricsCollector;
import io.phoenix.metrics.collector.ContainerSnapshot;
import io.phoenix.metrics.collector.MetricDefinition;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.collector.CollectorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Example of a custom collector: one class and its {@link CollectorType} ({@link #TYPE}, made known to the registry
 * by {@link ExampleCollectorTypes}), configured like the built-ins under {@code metrics.collectors.headroom.*}
 * (disabled by default; enable it with {@code metrics.collectors.headroom.enabled=true}). It reports how far each container is from its memory limit,
 * and how close in percent, for alerts that fire before the OOM killer does.
 */
public class MemoryHeadroomCollector extends ConfiguredCollector implements ContainerMetricsCollector {

    /** The type: instance "headroom", off unless configured on. */
    public static final CollectorType TYPE = new CollectorType("headroom", false, MemoryHeadroomCollector::new);

    /** Below this fraction of the limit left, {@code container_memory_headroom_low} is 1 (parameter {@code low-ratio}). */
    private final double lowRatio;

    /** What is left below the limit, and whether that is under the configured ratio. */
    record Headroom(long bytes, boolean low) {
    }

    static final List<MetricDefinition<Headroom>> METRICS = List.of(
            MetricDefinition.gauge("container_memory_headroom_bytes", "bytes", "Memory limit minus working set.", Headroom::bytes),
            MetricDefinition.gauge("container_memory_headroom_low", null, "1 when less than low-ratio of the memory limit is left.",
                    h -> h.low() ? 1 : 0));

    public MemoryHeadroomCollector(CollectorConfig config) {
        super(config);
        String value = config.parameter("low-ratio", "0.1");
        try {
            this.lowRatio = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metrics.collectors." + config.name() + ".parameters.low-ratio=" + value + ": not a number");
        }
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        StatsSample latest = snapshot.latest();
        if (latest == null || latest.memory() == null) {
            return List.of();
        }
        StatsSample.Memory memory = latest.memory();
        if (memory.limit() == null || memory.workingSet() == null) {
            return List.of(); // e.g. Podman's API gives no working set
        }
        long left = Math.max(0, memory.limit() - memory.workingSet());
        Headroom headroom = new Headroom(left, left < lowRatio * memory.limit());
        Map<String, String> labels = withCustomLabels(snapshot.labels());
        List<MetricValue> out = new ArrayList<>(METRICS.size());
        for (MetricDefinition<Headroom> definition : METRICS) {
            out.add(definition.valueOf(headroom, labels, latest.readAt().toEpochMilli()));
        }
        return out;
    }
}
