package io.phoenix.metrics.stats.cgroup;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The host's CPU times, memory and load averages, from /proc/stat, /proc/meminfo and /proc/loadavg held open and
 * re-read from offset 0, as the sampler reads cgroup files: a reading is three reads, where opening the files each
 * time cost an open, a stat and a close for each and a String per file, once a second for the life of the agent.
 */
public final class HostProc implements AutoCloseable {

    /**
     * One reading. CPU in USER_HZ ticks: busy is every field but idle and iowait (guest time is already inside user
     * and nice). Memory in bytes, null where the kernel does not print it (MemAvailable came with Linux 3.14).
     */
    public record Reading(long busyTicks, long totalTicks, Long memTotal, Long memAvailable,
                          double load1, double load5, double load15) {
    }

    private static final byte[][] MEMINFO_KEYS = {Scan.ascii("MemTotal"), Scan.ascii("MemAvailable")};

    private final Path root;
    private final Scan scan = new Scan(16 * 1024);
    private final long[] memory = new long[MEMINFO_KEYS.length];
    private final double[] load = new double[3];
    private KernelFile stat;
    private KernelFile meminfo;
    private KernelFile loadavg;

    /** @param root the procfs to read (/proc, or the host's mounted elsewhere) */
    public HostProc(Path root) {
        this.root = root;
    }

    /**
     * Reads the three files, opening them first if they are not open.
     *
     * @throws IOException when a file cannot be opened or read, or says nothing usable; the files are closed then,
     *                     and the next reading opens them again
     */
    public synchronized Reading read() throws IOException {
        try {
            if (stat == null) {
                stat = KernelFile.open(root.resolve("stat"), false);
                meminfo = KernelFile.open(root.resolve("meminfo"), false);
                loadavg = KernelFile.open(root.resolve("loadavg"), false);
            }
            ProcStat.CpuTimes cpu = ProcStat.cpuTimes(stat.into(scan));
            if (cpu == null) {
                throw new IOException(stat.path() + " has no cpu line");
            }
            meminfo.into(scan).keyed(MEMINFO_KEYS, memory); // kB, Scan.NONE where absent
            if (!loadAverages(loadavg.into(scan), load)) {
                throw new IOException(loadavg.path() + " has no load averages");
            }
            long total = cpu.sum(8); // user nice system idle iowait irq softirq steal
            long idle = cpu.ticks()[3] + cpu.ticks()[4];
            return new Reading(total - idle, total, bytes(memory[0]), bytes(memory[1]), load[0], load[1], load[2]);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The three load averages ("0.52 0.58 0.59 1/1320 4242") into {@code out}; false when the file has fewer. */
    static boolean loadAverages(Scan s, double[] out) {
        s.moveTo(0);
        for (int i = 0; i < out.length; i++) {
            long whole = s.number();
            if (whole == Scan.NONE || whole == Scan.MAX) {
                return false;
            }
            double value = whole;
            if (s.peek() == '.') {
                s.skip(1);
                int from = s.position();
                long fraction = s.atDigit() ? s.number() : 0;
                value += fraction / Math.pow(10, s.position() - from);
            }
            out[i] = value;
        }
        return true;
    }

    private static Long bytes(long kib) {
        return kib == Scan.NONE || kib == Scan.MAX ? null : kib * 1024;
    }

    @Override
    public synchronized void close() {
        for (KernelFile file : new KernelFile[] {stat, meminfo, loadavg}) {
            if (file != null) {
                file.close();
            }
        }
        stat = meminfo = loadavg = null;
    }
}
