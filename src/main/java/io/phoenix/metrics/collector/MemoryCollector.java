package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.StatsSample;

import java.util.List;
import java.util.Map;

import static io.phoenix.metrics.collector.MetricDefinition.gauge;

public final class MemoryCollector extends TableCollector {

    static final List<MetricDefinition<StatsSample.Memory>> METRICS = List.of(
            gauge("container_memory_usage_bytes", "bytes", "Memory charged to the container, page cache included (as cAdvisor).",
                    StatsSample.Memory::usage),
            gauge("container_memory_working_set_bytes", "bytes",
                    "Usage minus inactive page cache: what cannot be reclaimed without swapping; absent where the runtime does not say.",
                    StatsSample.Memory::workingSet),
            gauge("container_memory_limit_bytes", "bytes",
                    "Effective memory limit: the container's limit, or the host's memory when that is lower or there is no limit.",
                    StatsSample.Memory::limit),
            gauge("container_memory_usage_percent", "percent", "Working set (usage where the source has no working set) as a percentage of the effective limit.",
                    MemoryCollector::percent));

    /** The configured limit: the kernel's where the source read it, else the engine's inspect. */
    static final MetricDefinition<ContainerSnapshot> SPEC_LIMIT = gauge("container_spec_memory_limit_bytes", "bytes",
            "Configured memory limit; 0 when none.",
            s -> s.latest().memory().specLimit() != null ? s.latest().memory().specLimit() : s.container().memoryLimit());

    static Double percent(StatsSample.Memory memory) {
        Long workingSet = memory.workingSet() != null ? memory.workingSet() : Long.valueOf(memory.usage());
        Long limit = memory.limit();
        return workingSet == null || limit == null || limit <= 0 ? null : workingSet * 100.0 / limit;
    }

    public MemoryCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        StatsSample latest = snapshot.latest();
        if (latest == null || latest.memory() == null) {
            return List.of();
        }
        Map<String, String> labels = labels(snapshot.labels(), null, null);
        List<MetricValue> out = emit(METRICS, latest.memory(), labels, latest.readAt().toEpochMilli());
        MetricValue spec = SPEC_LIMIT.valueOf(snapshot, labels, latest.readAt().toEpochMilli());
        if (spec != null) {
            out.add(spec);
        }
        return out;
    }
}
