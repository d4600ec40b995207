package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.io.IOException;

import static io.phoenix.metrics.stats.cgroup.KernelFormats.boxed;

/** The memory controller: usage, limit and inactive page cache (for the working set), v1 or v2. */
record MemoryReader(KernelFile usage, KernelFile limit, KernelFile stat, boolean v2) {

    /** Limits at or above 2^62 are the kernel's "unlimited" (v1 prints 9223372036854771712). */
    static final long NO_LIMIT = 1L << 62;
    private static final byte[][] INACTIVE_V1 = {Scan.ascii("total_inactive_file")};
    private static final byte[][] INACTIVE_V2 = {Scan.ascii("inactive_file")};

    /** Null when there is no memory accounting for the process. */
    static MemoryReader open(CgroupFiles.Dirs dirs, CgroupFiles files) throws IOException {
        if (dirs.memory() != null) {
            KernelFile usage = files.hold(dirs.memory(), "memory.usage_in_bytes", false);
            return new MemoryReader(usage, files.hold(dirs.memory(), "memory.limit_in_bytes", false),
                    files.hold(dirs.memory(), "memory.stat", false), false);
        }
        KernelFile usage = files.hold(dirs.unified(), "memory.current", false);
        if (usage == null) {
            return null;
        }
        return new MemoryReader(usage, files.hold(dirs.unified(), "memory.max", false),
                files.hold(dirs.unified(), "memory.stat", false), true);
    }

    boolean accounts() {
        return usage != null;
    }

    StatsSample.Memory read(Scan s, long[] values) throws IOException {
        if (usage == null) {
            return null;
        }
        long used = usage.into(s).single();
        if (used == Scan.NONE) {
            return null;
        }
        Long max = null;
        if (limit != null) {
            long value = limit.into(s).single();
            max = value == Scan.NONE || value >= NO_LIMIT ? null : value; // v2 "max" parses as Long.MAX_VALUE
        }
        Long inactiveFile = null;
        if (stat != null) {
            stat.into(s).keyed(v2 ? INACTIVE_V2 : INACTIVE_V1, values);
            inactiveFile = boxed(values[0]);
        }
        return new StatsSample.Memory(used, max, inactiveFile);
    }
}
