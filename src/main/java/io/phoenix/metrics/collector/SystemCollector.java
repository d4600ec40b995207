package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.cgroup.HostProc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.phoenix.metrics.collector.MetricDefinition.gauge;

/**
 * Host CPU, memory and load from /proc (parameter {@code proc-root}, default /proc; a DaemonSet mounts the
 * host's /proc elsewhere), read by {@link HostProc}. CPU percent is from this collector's own previous reading.
 */
public final class SystemCollector extends ConfiguredCollector implements SystemMetricsCollector {

    /** One reading of the host, and its CPU busy percent since the previous one (null for the first). */
    record Reading(HostProc.Reading host, Double cpuPercent) {
    }

    static final List<MetricDefinition<Reading>> METRICS = List.of(
            gauge("host_cpu_usage_percent", "percent", "Host CPU busy time since the previous reading; 100 means every core busy.",
                    Reading::cpuPercent),
            gauge("host_memory_total_bytes", "bytes", "Host memory (MemTotal).", r -> r.host().memTotal()),
            gauge("host_memory_used_bytes", "bytes", "Host memory in use: MemTotal − MemAvailable.",
                    r -> r.host().memTotal() == null || r.host().memAvailable() == null ? null
                            : r.host().memTotal() - r.host().memAvailable()),
            gauge("host_load1", null, "Load average over 1 minute.", r -> r.host().load1()),
            gauge("host_load5", null, "Load average over 5 minutes.", r -> r.host().load5()),
            gauge("host_load15", null, "Load average over 15 minutes.", r -> r.host().load15()));

    private final HostProc proc;
    private HostProc.Reading previous;

    public SystemCollector(CollectorConfig config) {
        super(config);
        this.proc = new HostProc(Path.of(config.parameter("proc-root", "/proc")));
    }

    @Override
    public synchronized List<MetricValue> collect() throws IOException {
        HostProc.Reading now = proc.read();
        Double percent = null;
        if (previous != null && now.totalTicks() > previous.totalTicks()) {
            percent = (now.busyTicks() - previous.busyTicks()) * 100.0 / (now.totalTicks() - previous.totalTicks());
        }
        previous = now;
        return TableCollector.emit(METRICS, new Reading(now, percent), withCustomLabels(Map.of()), System.currentTimeMillis());
    }

    @Override
    public void cleanup() {
        proc.close();
    }
}
