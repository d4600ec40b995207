package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.MemoryEvents;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A container's memory event counters, held open: v2 {@code memory.events} (oom_kill, high, max), or v1
 * {@code memory.oom_control} (oom_kill, kernels since 4.13) and {@code memory.failcnt}.
 */
final class MemoryEventFiles {

    static final int MAX_FILES = 2;
    private static final byte[][] EVENTS_V2 = {Scan.ascii("oom_kill"), Scan.ascii("high"), Scan.ascii("max")};
    private static final byte[][] OOM_CONTROL = {Scan.ascii("oom_kill")};

    private final KernelFile events;
    private final KernelFile oomControl;
    private final KernelFile failcnt;
    private final long[] values = new long[3];

    private MemoryEventFiles(KernelFile events, KernelFile oomControl, KernelFile failcnt) {
        this.events = events;
        this.oomControl = oomControl;
        this.failcnt = failcnt;
    }

    /**
     * @param dir the v1 memory controller's directory or, with {@code v2}, the unified one; null for none
     * @return null when none of the files exists
     */
    static MemoryEventFiles open(Path dir, boolean v2, CgroupFiles files) throws IOException {
        if (dir == null) {
            return null;
        }
        if (v2) {
            KernelFile events = files.hold(dir, "memory.events", false);
            return events == null ? null : new MemoryEventFiles(events, null, null);
        }
        KernelFile oomControl = files.hold(dir, "memory.oom_control", false);
        KernelFile failcnt = files.hold(dir, "memory.failcnt", false);
        return oomControl == null && failcnt == null ? null : new MemoryEventFiles(null, oomControl, failcnt);
    }

    MemoryEvents read(Scan s) throws IOException {
        if (events != null) {
            events.into(s).keyed(EVENTS_V2, values);
            return new MemoryEvents(KernelFormats.boxed(values[0]), KernelFormats.boxed(values[1]),
                    KernelFormats.boxed(values[2]), null);
        }
        Long oomKills = null;
        if (oomControl != null) {
            oomControl.into(s).keyed(OOM_CONTROL, values);
            oomKills = KernelFormats.boxed(values[0]); // absent before 4.13: under_oom alone says nothing countable
        }
        Long failures = failcnt == null ? null : KernelFormats.boxed(failcnt.into(s).single());
        return new MemoryEvents(oomKills, null, null, failures);
    }
}
