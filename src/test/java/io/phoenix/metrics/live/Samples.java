package io.phoenix.metrics.live;

import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A container's values as the built-in collectors produce them: the families, labels and help of the real ones. */
final class Samples {

    private record Def(String name, MetricType type, String unit, String help, String extra) {
    }

    private static final List<Def> DEFS = List.of(
            new Def("container_cpu_usage_percent", MetricType.GAUGE, "percent",
                    "CPU use between the agent's last two samples of the container; 100 means one core fully busy.", null),
            new Def("container_cpu_usage_seconds_total", MetricType.COUNTER, "seconds", "CPU time consumed by the container, all cores.", null),
            new Def("container_cpu_user_seconds_total", MetricType.COUNTER, "seconds", "CPU time consumed in user mode.", null),
            new Def("container_cpu_system_seconds_total", MetricType.COUNTER, "seconds", "CPU time consumed in kernel mode.", null),
            new Def("container_memory_usage_bytes", MetricType.GAUGE, "bytes", "Memory use including page cache, as cAdvisor reports it.", null),
            new Def("container_memory_working_set_bytes", MetricType.GAUGE, "bytes", "Memory use minus inactive page cache.", null),
            new Def("container_memory_limit_bytes", MetricType.GAUGE, "bytes", "Memory limit as the engine reports it.", null),
            new Def("container_memory_usage_percent", MetricType.GAUGE, "percent", "Working set as a percentage of the limit.", null),
            new Def("container_network_receive_bytes_total", MetricType.COUNTER, "bytes", "Bytes received on the interface.", "interface"),
            new Def("container_network_transmit_bytes_total", MetricType.COUNTER, "bytes", "Bytes sent on the interface.", "interface"),
            new Def("container_network_receive_packets_total", MetricType.COUNTER, "packets", "Packets received.", "interface"),
            new Def("container_network_transmit_packets_total", MetricType.COUNTER, "packets", "Packets sent.", "interface"),
            new Def("container_network_receive_errors_total", MetricType.COUNTER, "errors", "Receive errors.", "interface"),
            new Def("container_network_transmit_errors_total", MetricType.COUNTER, "errors", "Transmit errors.", "interface"),
            new Def("container_disk_read_bytes_total", MetricType.COUNTER, "bytes", "Bytes read from the block device.", "device"),
            new Def("container_disk_write_bytes_total", MetricType.COUNTER, "bytes", "Bytes written to the block device.", "device"),
            new Def("container_disk_read_ops_total", MetricType.COUNTER, "ops", "Read operations on the block device.", "device"),
            new Def("container_disk_write_ops_total", MetricType.COUNTER, "ops", "Write operations on the block device.", "device"),
            new Def("container_uptime_seconds", MetricType.GAUGE, "seconds", "Time since the container's last start.", null),
            new Def("container_restarts_total", MetricType.COUNTER, null, "Restarts by the engine's restart policy.", null),
            new Def("container_status", MetricType.GAUGE, null, "0 unknown, 1 running, 2 created, 3 restarting, 4 paused, 5 removing, 6 exited, 7 dead.", null),
            new Def("container_health_state", MetricType.GAUGE, null, "1 healthy, 0 unhealthy or starting, -1 no health check.", null),
            new Def("container_start_time_seconds", MetricType.GAUGE, "seconds", "Unix time of the container's last start.", null),
            new Def("container_pids", MetricType.GAUGE, null, "Processes and threads in the container.", null),
            new Def("container_last_sample_timestamp_seconds", MetricType.GAUGE, "seconds", "Time of the newest stats sample.", null));

    private Samples() {
    }

    static List<MetricValue> of(ContainerInfo c, long at, double cpu) {
        List<MetricValue> values = new ArrayList<>();
        for (Def def : DEFS) {
            double v = def.name().equals("container_cpu_usage_percent") ? cpu : def.type() == MetricType.COUNTER ? at / 7.0 : 123_456_789;
            if (def.extra() == null) {
                values.add(value(c, def, v, Map.of(), at));
            } else {
                values.add(value(c, def, v, Map.of(def.extra(), def.extra().equals("device") ? "8:0" : "eth0"), at));
            }
        }
        values.add(new MetricValue(MetricFamily.gauge("container_info", null, "Metadata of the container; always 1."), 1, at,
                labels(c, Map.of("pod", "pod", "namespace", "ns", "container", ""))));
        return values;
    }

    static MetricValue value(ContainerInfo c, String name, double v, Map<String, String> extra, long at) {
        Def def = DEFS.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
        return value(c, def, v, extra, at);
    }

    private static MetricValue value(ContainerInfo c, Def def, double v, Map<String, String> extra, long at) {
        return new MetricValue(new MetricFamily(def.name(), def.help(), def.type(), def.unit()), v, at, labels(c, extra));
    }

    private static Map<String, String> labels(ContainerInfo c, Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("container_id", c.shortId());
        labels.put("container_name", c.name());
        labels.put("image", c.image());
        labels.put("runtime", c.runtime().label());
        labels.putAll(extra);
        return labels;
    }
}
