package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;

import java.util.Arrays;
import java.util.List;

/** What the kernel-format parsers fill, kept per reader across ticks so that a pass allocates almost nothing. */
final class ReadBuffers {

    private ReadBuffers() {
    }

    static final class Pids {
        int[] values = new int[16];
        int size;

        void add(int pid) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = pid;
        }
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
            bytes = Arrays.copyOf(bytes, n + 1);
            strings = Arrays.copyOf(strings, n + 1);
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
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            long[] v = values[size];
            if (v == null) {
                v = values[size] = new long[4];
            } else {
                Arrays.fill(v, 0);
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
            nameKeys = Arrays.copyOf(nameKeys, n + 1);
            names = Arrays.copyOf(names, n + 1);
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
