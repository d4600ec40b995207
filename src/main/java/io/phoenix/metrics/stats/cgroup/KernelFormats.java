package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

/**
 * Parsers of the kernel's text formats, on a loaded {@link Scan}. Each walks the bytes once; the only allocations
 * are the results the sample needs (interface and device names are cached by their owners).
 */
final class KernelFormats {

    /** USER_HZ: the unit of /proc/stat and cpuacct.stat, 100 on every Linux ABI the agent runs on. */
    static final long USER_HZ = 100;
    static final long NANOS_PER_TICK = 1_000_000_000L / USER_HZ;

    private static final byte[] CPU = Scan.ascii("cpu");
    private static final byte[] LO = Scan.ascii("lo");
    private static final byte[] READ_UPPER = Scan.ascii("Read");
    private static final byte[] WRITE_UPPER = Scan.ascii("Write");
    private static final byte[] RBYTES = Scan.ascii("rbytes");
    private static final byte[] WBYTES = Scan.ascii("wbytes");
    private static final byte[] RIOS = Scan.ascii("rios");
    private static final byte[] WIOS = Scan.ascii("wios");

    private KernelFormats() {
    }

    /**
     * /proc/stat: the "cpu " line's user nice system idle iowait irq softirq, the seven fields Docker sums for
     * system_cpu_usage (steal and guest are left out as Docker does), in nanoseconds; and the number of "cpuN" lines.
     *
     * @return false when the file has no "cpu " line
     */
    static boolean hostCpu(Scan s, long[] out) {
        s.moveTo(0);
        boolean found = false;
        long ticks = 0;
        int cpus = 0;
        while (s.more() && s.startsWith(CPU)) {
            s.skip(CPU.length);
            if (s.peek() == ' ') {
                for (int i = 0; i < 7; i++) {
                    long v = s.number();
                    if (v == Scan.NONE) {
                        break;
                    }
                    ticks += v;
                }
                found = true;
            } else if (s.atDigit()) {
                cpus++;
            }
            s.nextLine();
        }
        out[0] = ticks * NANOS_PER_TICK;
        out[1] = Math.max(1, cpus);
        return found;
    }

    /**
     * /proc/PID/net/dev: two header lines, then "  name: rx_bytes rx_packets rx_errs rx_drop fifo frame compressed
     * multicast tx_bytes tx_packets tx_errs tx_drop fifo colls carrier compressed" per interface.
     */
    static void netDev(Scan s, boolean includeLoopback, Names names, List<StatsSample.Network> out) {
        s.moveTo(0);
        s.nextLine();
        s.nextLine();
        while (s.more()) {
            s.skipBlanks();
            int start = s.position();
            while (s.more() && s.peek() != ':' && s.peek() != '\n') {
                s.skip(1);
            }
            int end = s.position();
            if (s.peek() != ':' || end == start) {
                s.nextLine();
                continue;
            }
            s.skip(1);
            if (!includeLoopback && s.regionEquals(start, end, LO)) {
                s.nextLine();
                continue;
            }
            String name = names.of(s, start, end);
            long rxBytes = s.number();
            long rxPackets = s.number();
            long rxErrors = s.number();
            long rxDropped = s.number();
            s.number(); // fifo
            s.number(); // frame
            s.number(); // compressed
            s.number(); // multicast
            long txBytes = s.number();
            long txPackets = s.number();
            long txErrors = s.number();
            long txDropped = s.number();
            if (rxBytes != Scan.NONE && txBytes != Scan.NONE) {
                out.add(new StatsSample.Network(name, rxBytes, boxed(rxPackets), boxed(rxErrors), boxed(rxDropped),
                        txBytes, boxed(txPackets), boxed(txErrors), boxed(txDropped)));
            }
            s.nextLine();
        }
    }

    /**
     * cgroup v1 blkio.throttle.io_service_bytes / io_serviced ("MAJ:MIN Read|Write|Sync|Async|Discard|Total N" and a
     * final "Total N"): adds Read and Write into {@code slotRead} / {@code slotRead + 1} of each device.
     *
     * @return the number of per-device lines; 0 when blk-throttle has not been initialised for any device and the
     * file only says "Total 0"
     */
    static int blkio(Scan s, Devices devices, int slotRead) {
        s.moveTo(0);
        int lines = 0;
        while (s.more()) {
            long[] counters = deviceAtLineStart(s, devices);
            if (counters == null) {
                continue; // "Total N"
            }
            s.skipBlanks();
            int slot = s.startsWith(READ_UPPER) ? slotRead : s.startsWith(WRITE_UPPER) ? slotRead + 1 : -1;
            lines++;
            if (slot >= 0) {
                while (s.more() && s.peek() != ' ' && s.peek() != '\n') {
                    s.skip(1);
                }
                long value = s.number();
                if (value != Scan.NONE) {
                    counters[slot] += value;
                }
            }
            s.nextLine();
        }
        return lines;
    }

    /**
     * Reads the "MAJ:MIN" a device line starts with and returns that device's counters, positioned after it; on any
     * other line (a "Total", garbage) skips the line and returns null. Shared by the v1 and v2 formats.
     */
    private static long[] deviceAtLineStart(Scan s, Devices devices) {
        if (!s.atDigit()) {
            s.nextLine();
            return null;
        }
        long major = s.number();
        if (s.peek() != ':') {
            s.nextLine();
            return null;
        }
        s.skip(1);
        return devices.slot(major, s.number());
    }

    /** cgroup v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device with any I/O. */
    static void ioStat(Scan s, Devices devices) {
        s.moveTo(0);
        while (s.more()) {
            long[] slot = deviceAtLineStart(s, devices);
            if (slot == null) {
                continue;
            }
            while (s.more() && s.peek() != '\n') {
                s.skipBlanks();
                int field = s.key(RBYTES) ? 0 : s.key(WBYTES) ? 1 : s.key(RIOS) ? 2 : s.key(WIOS) ? 3 : -1;
                if (field >= 0) {
                    long v = s.number();
                    if (v != Scan.NONE) {
                        slot[field] = v;
                    }
                } else {
                    while (s.more() && s.peek() != ' ' && s.peek() != '\n') {
                        s.skip(1);
                    }
                }
            }
            s.nextLine();
        }
    }

    /** cgroup.procs: one PID per line, into {@code out} (cleared first). */
    static void pids(Scan s, Pids out) {
        s.moveTo(0);
        out.size = 0;
        while (s.more()) {
            long pid = s.number();
            if (pid != Scan.NONE && pid <= Integer.MAX_VALUE) {
                out.add((int) pid);
            }
            s.nextLine();
        }
    }

    static final class Pids {
        int[] values = new int[16];
        int size;

        void add(int pid) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = pid;
        }
    }

    static Long boxed(long value) {
        return value == Scan.NONE ? null : value;
    }

    /** Interface names seen before, so that a tick does not make a new String per interface. */
    static final class Names {
        private byte[][] bytes = new byte[0][];
        private String[] strings = new String[0];

        String of(Scan s, int start, int end) {
            for (int i = 0; i < bytes.length; i++) {
                if (s.regionEquals(start, end, bytes[i])) {
                    return strings[i];
                }
            }
            String name = s.string(start, end);
            int n = bytes.length;
            bytes = java.util.Arrays.copyOf(bytes, n + 1);
            strings = java.util.Arrays.copyOf(strings, n + 1);
            bytes[n] = Scan.ascii(name);
            strings[n] = name;
            return name;
        }
    }

    /** Per-device counters of one read: [readBytes, writeBytes, readOps, writeOps], names "MAJ:MIN" cached. */
    static final class Devices {
        private long[] keys = new long[4];
        private long[][] values = new long[4][];
        private int size;
        private long[] nameKeys = new long[0];
        private String[] names = new String[0];

        void reset() {
            size = 0;
        }

        int size() {
            return size;
        }

        long[] slot(long major, long minor) {
            long key = major << 32 | (minor & 0xffffffffL);
            for (int i = 0; i < size; i++) {
                if (keys[i] == key) {
                    return values[i];
                }
            }
            if (size == keys.length) {
                keys = java.util.Arrays.copyOf(keys, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            long[] v = values[size];
            if (v == null) {
                v = values[size] = new long[4];
            } else {
                java.util.Arrays.fill(v, 0);
            }
            size++;
            return v;
        }

        private String name(long key) {
            for (int i = 0; i < nameKeys.length; i++) {
                if (nameKeys[i] == key) {
                    return names[i];
                }
            }
            String name = (key >>> 32) + ":" + (key & 0xffffffffL);
            int n = nameKeys.length;
            nameKeys = java.util.Arrays.copyOf(nameKeys, n + 1);
            names = java.util.Arrays.copyOf(names, n + 1);
            nameKeys[n] = key;
            names[n] = name;
            return name;
        }

        /** In the order the kernel listed them; ops left out (null) when {@code withOps} is false. */
        List<StatsSample.Disk> toDisks(boolean withOps) {
            if (size == 0) {
                return List.of();
            }
            StatsSample.Disk[] disks = new StatsSample.Disk[size];
            for (int i = 0; i < size; i++) {
                long[] v = values[i];
                disks[i] = new StatsSample.Disk(name(keys[i]), v[0], v[1], withOps ? v[2] : null, withOps ? v[3] : null);
            }
            return List.of(disks);
        }
    }
}
