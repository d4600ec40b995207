package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.SampleWindow;
import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.counter;
import static io.phoenix.metrics.collector.MetricDefinition.gauge;

public final class CpuCollector extends TableCollector {

    static final List<MetricDefinition<SampleWindow>> METRICS = List.of(
            gauge("container_cpu_usage_percent", "percent",
                    "CPU use between the agent's last two samples of the container; 100 means one core fully busy.",
                    SampleWindow::cpuPercent),
            counter("container_cpu_usage_seconds_total", "seconds", "CPU time consumed by the container, all cores.",
                    w -> seconds(w.latest().cpu().totalNanos())),
            counter("container_cpu_user_seconds_total", "seconds", "CPU time consumed in user mode.",
                    w -> seconds(w.latest().cpu().userNanos())),
            counter("container_cpu_system_seconds_total", "seconds", "CPU time consumed in kernel mode.",
                    w -> seconds(w.latest().cpu().systemNanos())),
            counter("container_cpu_cfs_periods_total", null, "CFS enforcement periods that elapsed while the container could run.",
                    w -> w.latest().cpu().periods()),
            counter("container_cpu_cfs_throttled_periods_total", null, "CFS periods in which the container was throttled.",
                    w -> w.latest().cpu().throttledPeriods()),
            counter("container_cpu_cfs_throttled_seconds_total", "seconds", "Time the container was throttled by its CPU quota.",
                    w -> seconds(w.latest().cpu().throttledNanos())));

    public CpuCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        StatsSample latest = snapshot.latest();
        if (latest == null || latest.cpu() == null) {
            return List.of();
        }
        return emit(METRICS, snapshot.samples(), labels(snapshot.labels(), null, null), latest.readAt().toEpochMilli());
    }
}
