package io.phoenix.metrics.stats;

import java.time.Instant;
import java.util.List;

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
        List<Disk> disks) {

    public StatsSample {
        networks = networks == null ? List.of() : List.copyOf(networks);
        disks = disks == null ? List.of() : List.copyOf(disks);
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
    }

    /**
     * @param usage        bytes charged to the container, page cache included (what cAdvisor calls usage)
     * @param limit        null when the source reports none
     * @param inactiveFile reclaimable page cache; null when the source does not report it
     */
    public record Memory(long usage, Long limit, Long inactiveFile) {

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
