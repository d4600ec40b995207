package io.phoenix.metrics.stats.cgroup;

/**
 * The one parser of /proc/stat, for the cgroup sampler (host CPU time, the denominator of container CPU percent)
 * and {@link HostProc} (the {@code system} collector's host busy percent).
 */
final class ProcStat {

    /** USER_HZ: the unit of /proc/stat and cpuacct.stat, 100 on every Linux ABI the agent runs on. */
    static final long USER_HZ = 100;
    static final long NANOS_PER_TICK = 1_000_000_000L / USER_HZ;
    /** user nice system idle iowait irq softirq steal guest guest_nice */
    private static final int FIELDS = 10;
    private static final byte[] CPU = Scan.ascii("cpu");

    /**
     * The "cpu " line in ticks (fields the kernel does not print are 0) and the number of "cpuN" lines.
     *
     * @param ticks user nice system idle iowait irq softirq steal guest guest_nice
     */
    record CpuTimes(long[] ticks, int cpus) {

        /** Sum of the first {@code n} fields. */
        long sum(int n) {
            long total = 0;
            for (int i = 0; i < n; i++) {
                total += ticks[i];
            }
            return total;
        }
    }

    private ProcStat() {
    }

    /** The "cpu " line and the number of CPUs, from the start of {@code s}; null when there is no "cpu " line. */
    static CpuTimes cpuTimes(Scan s) {
        long[] ticks = new long[FIELDS];
        int cpus = cpuLine(s, ticks);
        return cpus < 0 ? null : new CpuTimes(ticks, cpus);
    }

    /**
     * The seven fields Docker sums for system_cpu_usage (user nice system idle iowait irq softirq: steal and guest
     * are left out as Docker does), in nanoseconds, into {@code out[0]}; the number of CPUs (at least 1) into
     * {@code out[1]}.
     *
     * @return false when the file has no "cpu " line
     */
    static boolean hostCpu(Scan s, long[] out) {
        CpuTimes cpu = cpuTimes(s);
        out[0] = cpu == null ? 0 : cpu.sum(7) * NANOS_PER_TICK;
        out[1] = cpu == null ? 1 : Math.max(1, cpu.cpus());
        return cpu != null;
    }

    /** Fills {@code ticks} from the "cpu " line; returns the number of "cpuN" lines, or -1 without a "cpu " line. */
    private static int cpuLine(Scan s, long[] ticks) {
        s.moveTo(0);
        boolean found = false;
        int cpus = 0;
        while (s.more() && s.startsWith(CPU)) {
            s.skip(CPU.length);
            if (s.peek() == ' ') {
                for (int i = 0; i < ticks.length; i++) {
                    long v = s.number();
                    if (v == Scan.NONE) {
                        break;
                    }
                    ticks[i] = v;
                }
                found = true;
            } else if (s.atDigit()) {
                cpus++;
            }
            s.nextLine();
        }
        return found ? cpus : -1;
    }
}
