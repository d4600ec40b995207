package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.gauge;

public final class MemoryCollector extends TableCollector {

    static final List<MetricDefinition<StatsSample.Memory>> METRICS = List.of(
            gauge("container_memory_usage_bytes", "bytes", "Memory charged to the container, page cache included (as cAdvisor).",
                    StatsSample.Memory::usage),
            gauge("container_memory_working_set_bytes", "bytes",
                    "Usage minus inactive page cache: what cannot be reclaimed without swapping; absent where the runtime does not say.",
                    StatsSample.Memory::workingSet),
            gauge("container_memory_limit_bytes", "bytes",
                    "Memory limit; absent when unlimited with the cgroup source (the engines' APIs report the host's memory instead).",
                    StatsSample.Memory::limit),
            gauge("container_memory_usage_percent", "percent", "Working set as a percentage of the limit.",
                    MemoryCollector::percent));

    static Double percent(StatsSample.Memory memory) {
        Long workingSet = memory.workingSet();
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
        return emit(METRICS, latest.memory(), labels(snapshot.labels(), null, null), latest.readAt().toEpochMilli());
    }
}
