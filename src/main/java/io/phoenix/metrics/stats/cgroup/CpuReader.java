package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;

import static io.phoenix.metrics.stats.cgroup.KernelFormats.boxed;
import static io.phoenix.metrics.stats.cgroup.KernelFormats.scaled;

/**
 * The cpu and cpuacct controllers: cpuacct.usage, cpuacct.stat and cpu.stat on v1; cpu.stat on v2. Each file is null
 * where the host does not have it.
 */
record CpuReader(KernelFile cpuacctUsage, KernelFile cpuacctStat, KernelFile cpuStatV1, KernelFile cpuStatV2) {

    private static final byte[][] CPUACCT_STAT = {Scan.ascii("user"), Scan.ascii("system")};
    private static final byte[][] CPU_V1 = {Scan.ascii("nr_periods"), Scan.ascii("nr_throttled"), Scan.ascii("throttled_time")};
    private static final byte[][] CPU_V2 = {Scan.ascii("usage_usec"), Scan.ascii("user_usec"), Scan.ascii("system_usec"),
            Scan.ascii("nr_periods"), Scan.ascii("nr_throttled"), Scan.ascii("throttled_usec")};

    /** Null when neither version's files are there. */
    static CpuReader open(CgroupFiles.Dirs dirs, CgroupFiles files) throws IOException {
        if (dirs.cpuacct() != null) {
            return new CpuReader(files.hold(dirs.cpuacct(), "cpuacct.usage", false), files.hold(dirs.cpuacct(), "cpuacct.stat", false),
                    files.hold(dirs.cpu(), "cpu.stat", false), null);
        }
        KernelFile v2 = files.hold(dirs.unified(), "cpu.stat", false);
        return v2 == null ? null : new CpuReader(null, null, null, v2);
    }

    boolean accounts() {
        return cpuacctUsage != null || cpuStatV2 != null;
    }

    /**
     * {@code hostNanos}/{@code onlineCpus} come from the pass's single read of /proc/stat. On v1, when cpuacct.usage
     * has not moved since {@code before}, cpuacct.stat and cpu.stat are not read: their user/system ticks and
     * periods are only counted while the cgroup's tasks run, which would have moved the usage.
     */
    StatsSample.Cpu read(Scan s, long[] values, long hostNanos, int onlineCpus, StatsSample.Cpu before) throws IOException {
        if (cpuacctUsage != null) {
            long total = cpuacctUsage.into(s).single();
            if (total == Scan.NONE) {
                return null;
            }
            if (before != null && before.totalNanos() == total) {
                return new StatsSample.Cpu(total, before.userNanos(), before.systemNanos(), hostNanos, onlineCpus,
                        before.periods(), before.throttledPeriods(), before.throttledNanos());
            }
            Long user = null;
            Long system = null;
            if (cpuacctStat != null) {
                cpuacctStat.into(s).keyed(CPUACCT_STAT, values);
                user = scaled(values[0], KernelFormats.NANOS_PER_TICK);
                system = scaled(values[1], KernelFormats.NANOS_PER_TICK);
            }
            Long periods = null;
            Long throttledPeriods = null;
            Long throttledNanos = null;
            if (cpuStatV1 != null) {
                cpuStatV1.into(s).keyed(CPU_V1, values);
                periods = boxed(values[0]);
                throttledPeriods = boxed(values[1]);
                throttledNanos = boxed(values[2]);
            }
            return new StatsSample.Cpu(total, user, system, hostNanos, onlineCpus, periods, throttledPeriods, throttledNanos);
        }
        if (cpuStatV2 != null) {
            cpuStatV2.into(s).keyed(CPU_V2, values);
            if (values[0] == Scan.NONE) {
                return null;
            }
            return new StatsSample.Cpu(values[0] * 1000, scaled(values[1], 1000), scaled(values[2], 1000), hostNanos, onlineCpus,
                    boxed(values[3]), boxed(values[4]), scaled(values[5], 1000));
        }
        return null;
    }
}
