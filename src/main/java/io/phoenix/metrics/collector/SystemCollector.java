package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.cgroup.ProcStat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.phoenix.metrics.collector.MetricDefinition.gauge;

/**
 * Host CPU, memory and load from /proc (parameter {@code proc-root}, default /proc; a DaemonSet mounts the
 * host's /proc elsewhere). CPU percent is from this collector's own previous reading of /proc/stat.
 */
public final class SystemCollector extends ConfiguredCollector implements SystemMetricsCollector {

    /** One reading of the host. */
    record Reading(long busyJiffies, long totalJiffies, Double cpuPercent, Long memTotal, Long memAvailable,
                   double load1, double load5, double load15) {
    }

    static final List<MetricDefinition<Reading>> METRICS = List.of(
            gauge("host_cpu_usage_percent", "percent", "Host CPU busy time since the previous reading; 100 means every core busy.",
                    Reading::cpuPercent),
            gauge("host_memory_total_bytes", "bytes", "Host memory (MemTotal).", Reading::memTotal),
            gauge("host_memory_used_bytes", "bytes", "Host memory in use: MemTotal − MemAvailable.",
                    r -> r.memTotal() == null || r.memAvailable() == null ? null : r.memTotal() - r.memAvailable()),
            gauge("host_load1", null, "Load average over 1 minute.", Reading::load1),
            gauge("host_load5", null, "Load average over 5 minutes.", Reading::load5),
            gauge("host_load15", null, "Load average over 15 minutes.", Reading::load15));

    private final Path procRoot;
    private Reading previous;

    public SystemCollector(CollectorConfig config) {
        super(config);
        this.procRoot = Path.of(config.parameter("proc-root", "/proc"));
    }

    @Override
    public synchronized List<MetricValue> collect() throws IOException {
        Reading reading = read(
                Files.readString(procRoot.resolve("stat"), StandardCharsets.US_ASCII),
                Files.readString(procRoot.resolve("meminfo"), StandardCharsets.US_ASCII),
                Files.readString(procRoot.resolve("loadavg"), StandardCharsets.US_ASCII),
                previous);
        previous = reading;
        return TableCollector.emit(METRICS, reading, withCustomLabels(Map.of()), System.currentTimeMillis());
    }

    /** Parses the three files; the previous reading (or null) gives the CPU percent. */
    static Reading read(String stat, String meminfo, String loadavg, Reading previous) {
        ProcStat.CpuTimes cpu = ProcStat.parse(stat.getBytes(StandardCharsets.US_ASCII));
        if (cpu == null) {
            throw new IllegalStateException("/proc/stat has no cpu line");
        }
        // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
        long total = cpu.sum(8);
        long idle = cpu.ticks()[3] + cpu.ticks()[4];
        long busy = total - idle;
        Double percent = null;
        if (previous != null && total > previous.totalJiffies()) {
            percent = (busy - previous.busyJiffies()) * 100.0 / (total - previous.totalJiffies());
        }
        String[] load = fields(loadavg, 3);
        return new Reading(busy, total, percent, kib(meminfo, "MemTotal:"), kib(meminfo, "MemAvailable:"),
                Double.parseDouble(load[0]), Double.parseDouble(load[1]), Double.parseDouble(load[2]));
    }

    /** The value of a meminfo line ("MemTotal:  16303412 kB") in bytes, or null when the line is not there. */
    private static Long kib(String meminfo, String key) {
        int newline = meminfo.indexOf("\n" + key);
        int start = meminfo.startsWith(key) ? 0 : newline < 0 ? -1 : newline + 1;
        if (start < 0) {
            return null;
        }
        int end = meminfo.indexOf('\n', start);
        return Long.parseLong(fields(meminfo.substring(start + key.length(), end < 0 ? meminfo.length() : end), 1)[0]) * 1024;
    }

    /** The first n blank-separated fields of a line (once a second: no pattern compiled for it). */
    private static String[] fields(String line, int n) {
        String[] out = new String[n];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
                pos++;
            }
            int start = pos;
            while (pos < line.length() && !Character.isWhitespace(line.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalStateException("expected " + n + " fields in: " + line.lines().findFirst().orElse(""));
            }
            out[i] = line.substring(start, pos);
        }
        return out;
    }
}
