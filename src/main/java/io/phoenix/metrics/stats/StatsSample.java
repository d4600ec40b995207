package io.phoenix.metrics.stats;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One reading of a container's resource counters, whatever the source. A field the source does not provide is
 * null (or an empty list), never 0: the exposition leaves such a series out rather than report a made-up value.
 *
 * @param readAt when the source took the reading (engine clock), used for freshness
 */
public record StatsSample(
        String containerId,
        Instant readAt,
        Cpu cpu,
        Memory memory,
        Long pids,
        List<Network> networks,
        List<Disk> disks,
        Pressure pressure,
        MemoryEvents memoryEvents) {

    public StatsSample {
        networks = networks == null ? List.of() : List.copyOf(networks);
        disks = disks == null ? List.of() : List.copyOf(disks);
    }

    /** A sample without pressure or memory events (the engines' APIs report neither). */
    public StatsSample(String containerId, Instant readAt, Cpu cpu, Memory memory, Long pids, List<Network> networks,
                       List<Disk> disks) {
        this(containerId, readAt, cpu, memory, pids, networks, disks, null, null);
    }

    /**
     * Whether this reads the same counters as {@code other}: everything equal but when each was read and the host's
     * CPU time then. Across two such samples a container did not run, nor did anything happen to it that it counts.
     */
    public boolean sameReadings(StatsSample other) {
        return other != null && (cpu == null ? other.cpu == null : cpu.sameCounters(other.cpu))
                && Objects.equals(memory, other.memory) && Objects.equals(pids, other.pids)
                && networks.equals(other.networks) && disks.equals(other.disks)
                && Objects.equals(pressure, other.pressure) && Objects.equals(memoryEvents, other.memoryEvents);
    }

    public StatsSample withMemory(Memory replaced) {
        return new StatsSample(containerId, readAt, cpu, replaced, pids, networks, disks, pressure, memoryEvents);
    }

    /**
     * @param totalNanos     CPU time of the container, all cores
     * @param userNanos      of which in user mode (null when the source does not split)
     * @param systemNanos    of which in kernel mode
     * @param hostNanos      CPU time of the whole host over all cores, the denominator of the Docker CLI formula
     * @param onlineCpus     cores the host has online
     * @param throttledNanos time the container was throttled by its CFS quota
     */
    public record Cpu(long totalNanos, Long userNanos, Long systemNanos, long hostNanos, int onlineCpus,
                      Long periods, Long throttledPeriods, Long throttledNanos) {

        /** The container's counters equal, whatever the host's CPU time. */
        boolean sameCounters(Cpu other) {
            return other != null && totalNanos == other.totalNanos && onlineCpus == other.onlineCpus
                    && Objects.equals(userNanos, other.userNanos) && Objects.equals(systemNanos, other.systemNanos)
                    && Objects.equals(periods, other.periods) && Objects.equals(throttledPeriods, other.throttledPeriods)
                    && Objects.equals(throttledNanos, other.throttledNanos);
        }
    }

    /**
     * @param usage        bytes charged to the container, page cache included (what cAdvisor calls usage)
     * @param limit        the effective limit once {@link EffectiveLimit} has seen the sample: the cgroup's limit or
     *                     the host's memory, whichever is lower; as a source reads it, null when it reports none
     * @param inactiveFile reclaimable page cache; null when the source does not report it
     * @param specLimit    the configured limit, 0 for none; null when the source cannot tell (the engines' stats)
     */
    public record Memory(long usage, Long limit, Long inactiveFile, Long specLimit) {

        public Memory(long usage, Long limit, Long inactiveFile) {
            this(usage, limit, inactiveFile, null);
        }

        /** usage − inactive_file, the figure the kernel's OOM killer effectively works against; null if unknown. */
        public Long workingSet() {
            return inactiveFile == null ? null : Math.max(0, usage - inactiveFile);
        }
    }

    /** Counters of one interface; Podman's API only reports a sum over all of them, named "all". */
    public record Network(String iface, long rxBytes, Long rxPackets, Long rxErrors, Long rxDropped,
                          long txBytes, Long txPackets, Long txErrors, Long txDropped) {
    }

    /** Counters of one block device ("major:minor"), or "all" where the source only sums them. */
    public record Disk(String device, Long readBytes, Long writeBytes, Long readOps, Long writeOps) {
    }
}
