package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

/**
 * Parsers of the kernel's text formats, on a loaded {@link Scan}. Each walks the bytes once; the only allocations
 * are the results the sample needs (interface and device names are cached by their owners).
 */
final class KernelFormats {

    static final long NANOS_PER_TICK = ProcStat.NANOS_PER_TICK;

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
     * /proc/PID/net/dev: two header lines, then "  name: rx_bytes rx_packets rx_errs rx_drop fifo frame compressed
     * multicast tx_bytes tx_packets tx_errs tx_drop fifo colls carrier compressed" per interface.
     */
    static void netDev(Scan s, boolean includeLoopback, ReadBuffers.Names names, List<StatsSample.Network> out) {
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
    static int blkio(Scan s, ReadBuffers.Devices devices, int slotRead) {
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
    private static long[] deviceAtLineStart(Scan s, ReadBuffers.Devices devices) {
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
    static void ioStat(Scan s, ReadBuffers.Devices devices) {
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
    static void pids(Scan s, ReadBuffers.Pids out) {
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

    static Long boxed(long value) {
        return value == Scan.NONE ? null : value;
    }

    static Long scaled(long value, long factor) {
        return value == Scan.NONE ? null : value * factor;
    }

}
