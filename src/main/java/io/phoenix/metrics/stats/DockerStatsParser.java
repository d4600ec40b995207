package io.phoenix.metrics.stats;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Docker's {@code /containers/{id}/stats} object, in its cgroup v1 and v2 shapes, to a {@link StatsSample}.
 * One small function per measurement, as Telegraf's docker input does; {@code precpu_stats} is ignored on purpose
 * (CPU percent comes from the agent's own previous sample).
 */
public final class DockerStatsParser {

    private DockerStatsParser() {
    }

    /** Docker's last object for a container that stopped: everything zero, read at Go's zero time. Not a reading. */
    public static boolean isStoppedMarker(JsonObject stats) {
        return stats.getValue("read") instanceof String read && read.startsWith("0001-01-01");
    }

    public static StatsSample parse(String containerId, JsonObject stats) {
        StatsSample sample = new StatsSample(containerId, readAt(stats), cpu(stats), memory(stats), pids(stats), networks(stats),
                disks(stats));
        if (sample.cpu() == null && sample.memory() == null) {
            throw new RuntimeApiException.Protocol("stats: object has neither cpu_stats nor memory_stats counters");
        }
        return sample;
    }

    static Instant readAt(JsonObject stats) {
        Object read = stats.getValue("read");
        if (read instanceof String s && !s.isEmpty()) {
            try {
                Instant instant = OffsetDateTime.parse(s).toInstant();
                if (instant.getEpochSecond() > 0) {
                    return instant;
                }
            } catch (DateTimeParseException e) {
                throw new RuntimeApiException.Protocol("stats: read is not a time: " + s);
            }
        }
        return Instant.now();
    }

    static StatsSample.Cpu cpu(JsonObject stats) {
        JsonObject cpuStats = Json.object(stats, "cpu_stats");
        JsonObject usage = Json.object(cpuStats, "cpu_usage");
        Long total = Json.number(usage, "total_usage");
        Long host = Json.number(cpuStats, "system_cpu_usage");
        if (total == null || host == null) {
            return null; // e.g. the first object of a stream for a container that just stopped
        }
        Long online = Json.number(cpuStats, "online_cpus");
        if (online == null || online == 0) {
            JsonArray perCpu = usage.getValue("percpu_usage") instanceof JsonArray a ? a : null;
            online = perCpu == null || perCpu.isEmpty() ? 1L : perCpu.size();
        }
        JsonObject throttling = Json.object(cpuStats, "throttling_data");
        return new StatsSample.Cpu(total, Json.number(usage, "usage_in_usermode"), Json.number(usage, "usage_in_kernelmode"),
                host, online.intValue(), Json.number(throttling, "periods"), Json.number(throttling, "throttled_periods"),
                Json.number(throttling, "throttled_time"));
    }

    /** inactive_file is named total_inactive_file on cgroup v1 (hierarchical) and inactive_file on v2. */
    static StatsSample.Memory memory(JsonObject stats) {
        JsonObject memory = Json.object(stats, "memory_stats");
        Long usage = Json.number(memory, "usage");
        if (usage == null) {
            return null;
        }
        JsonObject detail = Json.object(memory, "stats");
        Long inactive = Json.number(detail, "total_inactive_file");
        if (inactive == null) {
            inactive = Json.number(detail, "inactive_file");
        }
        return new StatsSample.Memory(usage, Json.number(memory, "limit"), inactive);
    }

    static Long pids(JsonObject stats) {
        return Json.number(Json.object(stats, "pids_stats"), "current");
    }

    /** Absent with {@code --network none}: no interfaces, not zeros. */
    static List<StatsSample.Network> networks(JsonObject stats) {
        JsonObject networks = Json.object(stats, "networks");
        if (networks == null) {
            return List.of();
        }
        List<StatsSample.Network> result = new ArrayList<>(networks.size());
        for (Map.Entry<String, Object> entry : new TreeMap<>(networks.getMap()).entrySet()) {
            if (!(networks.getValue(entry.getKey()) instanceof JsonObject n)) { // getValue wraps a raw map
                throw new RuntimeApiException.Protocol("stats: networks." + entry.getKey() + " is not an object");
            }
            Long rx = Json.number(n, "rx_bytes");
            Long tx = Json.number(n, "tx_bytes");
            if (rx != null && tx != null) {
                result.add(new StatsSample.Network(entry.getKey(), rx, Json.number(n, "rx_packets"), Json.number(n, "rx_errors"),
                        Json.number(n, "rx_dropped"), tx, Json.number(n, "tx_packets"), Json.number(n, "tx_errors"),
                        Json.number(n, "tx_dropped")));
            }
        }
        return result;
    }

    /**
     * Bytes from io_service_bytes_recursive and operations from io_serviced_recursive, per device. cgroup v1
     * names the ops "Read"/"Write" (plus Sync/Async/Total, ignored); v2 names them "read"/"write".
     */
    static List<StatsSample.Disk> disks(JsonObject stats) {
        JsonObject blkio = Json.object(stats, "blkio_stats");
        Map<String, long[]> byDevice = new TreeMap<>();
        accumulate(blkio, "io_service_bytes_recursive", byDevice, 0);
        accumulate(blkio, "io_serviced_recursive", byDevice, 2);
        boolean haveOps = blkio != null && blkio.getValue("io_serviced_recursive") instanceof JsonArray ops && !ops.isEmpty();
        List<StatsSample.Disk> result = new ArrayList<>(byDevice.size());
        byDevice.forEach((device, v) -> result.add(new StatsSample.Disk(device, v[0], v[1],
                haveOps ? v[2] : null, haveOps ? v[3] : null)));
        return result;
    }

    private static void accumulate(JsonObject blkio, String field, Map<String, long[]> byDevice, int offset) {
        if (blkio == null || !(blkio.getValue(field) instanceof JsonArray entries)) {
            return; // null on Podman's compat layer, empty where the kernel does not account the device
        }
        for (Object e : entries) {
            if (!(e instanceof JsonObject entry)) {
                throw new RuntimeApiException.Protocol("stats: " + field + " entry is not an object");
            }
            String op = entry.getValue("op") instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : "";
            int slot = switch (op) {
                case "read" -> 0;
                case "write" -> 1;
                default -> -1;
            };
            Long major = Json.number(entry, "major");
            Long minor = Json.number(entry, "minor");
            Long value = Json.number(entry, "value");
            if (slot >= 0 && major != null && minor != null && value != null) {
                byDevice.computeIfAbsent(major + ":" + minor, d -> new long[4])[offset + slot] += value;
            }
        }
    }
}
