package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.Pressure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A container's {@code cpu.pressure}, {@code memory.pressure} and {@code io.pressure}, held open. They live in the
 * cgroup v2 directory (on hybrid hosts the container's directory in the unified hierarchy, which has them even with
 * no controller enabled); a kernel without PSI (or booted with {@code psi=0}) has none of them, and then there is
 * nothing to hold and no pressure in the sample.
 */
final class PressureFiles {

    static final int FILES = 3;
    private static final byte[] SOME = Scan.ascii("some");
    private static final byte[] FULL = Scan.ascii("full");
    private static final byte[] TOTAL = Scan.ascii("total");

    private final KernelFile cpu;
    private final KernelFile memory;
    private final KernelFile io;
    private final long[] pair = new long[2];
    private Pressure last;
    /** Whether the memory or I/O totals moved at their last read. */
    private boolean stalling;

    private PressureFiles(KernelFile cpu, KernelFile memory, KernelFile io) {
        this.cpu = cpu;
        this.memory = memory;
        this.io = io;
    }

    /** Opens what exists in {@code dir} and holds it in {@code files}; null when no pressure file exists there. */
    static PressureFiles open(Path dir, CgroupFiles files) throws IOException {
        if (dir == null) {
            return null;
        }
        KernelFile cpu = files.hold(dir, "cpu.pressure", false);
        KernelFile memory = files.hold(dir, "memory.pressure", false);
        KernelFile io = files.hold(dir, "io.pressure", false);
        return cpu == null && memory == null && io == null ? null : new PressureFiles(cpu, memory, io);
    }

    /**
     * Reads the three files, or cpu.pressure alone with the last memory and I/O totals when the container's tasks can
     * neither have begun a memory or I/O stall ({@code ranRecently} false: a task begins one while it runs, in reclaim,
     * a refault or a blocking read) nor be in one (the totals did not move at their last read). A CPU stall is a wait
     * for a CPU after a wake-up from outside, with no run of its own, so cpu.pressure is always read.
     */
    Pressure read(Scan s, boolean ranRecently) throws IOException {
        Long cpuSome = null;
        Long cpuFull = null;
        if (cpu != null) {
            parse(cpu.into(s), pair);
            cpuSome = KernelFormats.boxed(pair[0]);
            cpuFull = KernelFormats.boxed(pair[1]);
        }
        Pressure before = last;
        if (before != null && !ranRecently && !stalling) {
            last = new Pressure(cpuSome, cpuFull, before.memorySomeMicros(), before.memoryFullMicros(),
                    before.ioSomeMicros(), before.ioFullMicros());
            return last;
        }
        Long memorySome = null;
        Long memoryFull = null;
        Long ioSome = null;
        Long ioFull = null;
        if (memory != null) {
            parse(memory.into(s), pair);
            memorySome = KernelFormats.boxed(pair[0]);
            memoryFull = KernelFormats.boxed(pair[1]);
        }
        if (io != null) {
            parse(io.into(s), pair);
            ioSome = KernelFormats.boxed(pair[0]);
            ioFull = KernelFormats.boxed(pair[1]);
        }
        last = new Pressure(cpuSome, cpuFull, memorySome, memoryFull, ioSome, ioFull);
        // "full" time is inside "some" time: a moving stall moves "some".
        stalling = before == null || !Objects.equals(before.memorySomeMicros(), memorySome)
                || !Objects.equals(before.ioSomeMicros(), ioSome);
        return last;
    }

    /**
     * "some avg10=0.00 avg60=0.00 avg300=0.00 total=N" and the same for "full": the totals (microseconds) into
     * {@code out[0]} and {@code out[1]}, {@link Scan#NONE} where a line is missing (kernels before 5.13 have no "full"
     * line in cpu.pressure).
     */
    static void parse(Scan s, long[] out) {
        out[0] = Scan.NONE;
        out[1] = Scan.NONE;
        s.moveTo(0);
        while (s.more()) {
            int slot = s.startsWith(SOME) ? 0 : s.startsWith(FULL) ? 1 : -1;
            if (slot >= 0) {
                s.skip(SOME.length);
                while (s.more() && s.peek() != '\n') {
                    s.skipBlanks();
                    if (s.key(TOTAL)) {
                        out[slot] = s.number();
                        break;
                    }
                    while (s.more() && s.peek() != ' ' && s.peek() != '\n') {
                        s.skip(1);
                    }
                }
            }
            s.nextLine();
        }
    }
}
