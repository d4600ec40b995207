package io.phoenix.metrics.stats;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One report of libpod's all-containers stream ({@code /libpod/containers/stats?stream=true}): {"Error": ...,
 * "Stats": [{ContainerID, CPUNano, CPUSystemNano, SystemNano, PerCPU, MemUsage, MemLimit, NetInput, ...}]}.
 *
 * <p>It says less than Docker's per-container stats: no page-cache split (so no working set), no throttling,
 * network and block I/O as sums over all interfaces and devices. What it lacks stays null.
 */
public final class PodmanStatsParser {

    private PodmanStatsParser() {
    }

    /**
     * Podman before 4.4 filled NetInput with the container's transmitted bytes and NetOutput with its received
     * ones (podman#16618, fixed in 4.4 by #16628); seen here on 4.3.1: a client downloading 786 KB reported it as
     * NetOutput.
     */
    public static boolean swapsNetIo(String podmanVersion) {
        String[] parts = podmanVersion.split("[.\\-+]");
        if (parts.length == 0) {
            return false; // "." or "-": nothing to read, as for any version we cannot read
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major < 4 || (major == 4 && minor < 4);
        } catch (NumberFormatException e) {
            return false; // a version we cannot read is a newer build: trust the field names
        }
    }

    public static List<StatsSample> parse(JsonObject report) {
        return parse(report, false);
    }

    public static List<StatsSample> parse(JsonObject report, boolean netIoSwapped) {
        Object error = report.getValue("Error");
        if (error != null && !(error instanceof JsonObject e && e.isEmpty())) {
            throw new RuntimeApiException.Protocol("libpod stats: " + error);
        }
        if (!(report.getValue("Stats") instanceof JsonArray stats)) {
            return List.of(); // no running container
        }
        List<StatsSample> samples = new ArrayList<>(stats.size());
        for (Object entry : stats) {
            if (!(entry instanceof JsonObject s)) {
                throw new RuntimeApiException.Protocol("libpod stats: entry is not an object");
            }
            samples.add(sample(s, netIoSwapped));
        }
        return samples;
    }

    static StatsSample sample(JsonObject s, boolean netIoSwapped) {
        String id = s.getValue("ContainerID") instanceof String value ? value : null;
        if (id == null || id.isEmpty()) {
            throw new RuntimeApiException.Protocol("libpod stats: entry without ContainerID");
        }
        Long wallNanos = Json.number(s, "SystemNano");
        Instant readAt = wallNanos == null || wallNanos <= 0 ? Instant.now() : Instant.ofEpochSecond(0, wallNanos);
        StatsSample sample = new StatsSample(id, readAt, cpu(s, wallNanos), memory(s), Json.number(s, "PIDs"),
                network(s, netIoSwapped), disk(s));
        if (sample.cpu() == null && sample.memory() == null) {
            throw new RuntimeApiException.Protocol("libpod stats: entry for " + id + " has neither CPUNano nor MemUsage");
        }
        return sample;
    }

    /**
     * SystemNano is the host's wall clock, not its CPU time. Scaling it by the core count gives the denominator
     * of the Docker CLI formula, so percent means the same on both engines (100 = one core).
     */
    static StatsSample.Cpu cpu(JsonObject s, Long wallNanos) {
        Long total = Json.number(s, "CPUNano");
        if (total == null || wallNanos == null) {
            return null;
        }
        int cores = s.getValue("PerCPU") instanceof JsonArray perCpu && !perCpu.isEmpty() ? perCpu.size()
                : Runtime.getRuntime().availableProcessors();
        Long kernel = Json.number(s, "CPUSystemNano");
        // cpuacct.usage is user + system, so the user share is the rest (clamped: the two come from different files).
        Long user = kernel == null ? null : Math.max(0, total - kernel);
        return new StatsSample.Cpu(total, user, kernel, wallNanos * cores, cores, null, null, null);
    }

    static StatsSample.Memory memory(JsonObject s) {
        Long usage = Json.number(s, "MemUsage");
        return usage == null ? null : new StatsSample.Memory(usage, Json.number(s, "MemLimit"), null);
    }

    static List<StatsSample.Network> network(JsonObject s, boolean netIoSwapped) {
        Long in = Json.number(s, netIoSwapped ? "NetOutput" : "NetInput");
        Long out = Json.number(s, netIoSwapped ? "NetInput" : "NetOutput");
        return in == null || out == null ? List.of()
                : List.of(new StatsSample.Network("all", in, null, null, null, out, null, null, null));
    }

    static List<StatsSample.Disk> disk(JsonObject s) {
        Long read = Json.number(s, "BlockInput");
        Long write = Json.number(s, "BlockOutput");
        return read == null && write == null ? List.of() : List.of(new StatsSample.Disk("all", read, write, null, null));
    }
}
