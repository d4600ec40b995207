package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanTest {

    private static Scan text(String s) {
        return new Scan(64).load(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void keyedMatchesWholeKeysOnlyAtLineStarts() {
        long[] out = new long[2];
        text("total_inactive_file 7\ninactive_file 5\n").keyed(new byte[][]{Scan.ascii("inactive_file"), Scan.ascii("missing")}, out);
        assertArrayEquals(new long[]{5, Scan.NONE}, out);
        text("total_inactive_file 7\ninactive_file 5\n").keyed(new byte[][]{Scan.ascii("total_inactive_file")}, out);
        assertEquals(7, out[0]);
        // /proc/PID/io: "cancelled_write_bytes" must not be taken for "write_bytes", "key: value" separators
        text("read_bytes: 4096\ncancelled_write_bytes: 9\nwrite_bytes: 8400896\n")
                .keyed(new byte[][]{Scan.ascii("read_bytes"), Scan.ascii("write_bytes")}, out);
        assertArrayEquals(new long[]{4096, 8400896}, out);
        // a key that is a prefix of another key on its line
        text("nr_periods_x 1\nnr_periods 2\n").keyed(new byte[][]{Scan.ascii("nr_periods")}, out);
        assertEquals(2, out[0]);
    }

    @Test
    void singleValuesAndMax() {
        assertEquals(2520272310L, text("2520272310\n").single());
        assertEquals(Scan.MAX, text("max\n").single());
        assertEquals(Scan.NONE, text("").single());
        assertEquals(9223372036854771712L, text("9223372036854771712\n").single());
        assertEquals(Long.MAX_VALUE, text("99999999999999999999999\n").single(), "saturates instead of wrapping");
    }

    @Test
    void hostCpuCountsOnlyCpuNLines() {
        long[] out = new long[2];
        assertTrue(ProcStat.hostCpu(text("cpu  10 1 2 3 4 5 6 7 8 9\ncpu0 1 1 1 1 1 1 1\ncpu1 1 1 1 1 1 1 1\nintr 5\ncpu_fake 1\n"), out));
        assertEquals((10 + 1 + 2 + 3 + 4 + 5 + 6) * 10_000_000L, out[0], "user..softirq, as Docker; steal and guest left out");
        assertEquals(2, out[1]);
    }

    @Test
    void blkioWithoutThrottleConfigurationHasNoDeviceLines() {
        ReadBuffers.Devices devices = new ReadBuffers.Devices();
        assertEquals(0, KernelFormats.blkio(text("Total 0\n"), devices, 0));
        assertEquals(0, devices.size());
        assertEquals(6, KernelFormats.blkio(text("8:0 Read 10\n8:0 Write 20\n8:0 Sync 30\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 30\nTotal 30\n"), devices, 0));
        assertEquals(List.of(new StatsSample.Disk("8:0", 10L, 20L, null, null)), devices.toDisks(false));
    }

    @Test
    void netDevSkipsHeadersAndLoopback() {
        List<StatsSample.Network> out = new ArrayList<>();
        KernelFormats.netDev(text("""
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:       5       1    0    0    0     0          0         0        5       1    0    0    0     0       0          0
                  eth0: 1987239      71    2    3    0     0          0         0     4165      62    4    5    0     0       0          0
                veth-long-name0:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
                """), false, new ReadBuffers.Names(), out);
        assertEquals(List.of(new StatsSample.Network("eth0", 1987239, 71L, 2L, 3L, 4165, 62L, 4L, 5L),
                new StatsSample.Network("veth-long-name0", 1, 2L, 3L, 4L, 9, 10L, 11L, 12L)), out);
    }

    @Test
    void cgroupProcsListGrows() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            sb.append(i).append('\n');
        }
        ReadBuffers.Pids pids = new ReadBuffers.Pids();
        KernelFormats.pids(text(sb.toString()), pids);
        assertEquals(100, pids.size);
        assertEquals(100, pids.values[99]);
    }

    @Test
    void aFileLargerThanTheBufferIsReadWhole(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append("key").append(i).append(' ').append(i).append('\n');
        }
        Path file = Files.writeString(dir.resolve("memory.stat"), sb);
        Scan scan = new Scan(64);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            scan.load(channel, false);
            assertEquals(Files.size(file), scan.length());
            long[] out = new long[1];
            scan.keyed(new byte[][]{Scan.ascii("key2999")}, out);
            assertEquals(2999, out[0]);
            assertEquals(Files.size(file), scan.load(channel, false).length(), "positional re-read from 0");
        }
    }

    /**
     * A multi-record seq_file longer than a page answers one page per read even into a larger buffer (here a pread
     * of /proc/crypto's 11 kB returns about 4 kB); all of it must come in, as it will for a long cgroup.procs.
     */
    @Test
    void aLongSeqFileIsReadWhole() throws Exception {
        Path seqFile = Path.of("/proc/crypto");
        byte[] expected = Files.readAllBytes(seqFile);
        assertTrue(expected.length > 8192, "this test needs a seq_file longer than two pages; /proc/crypto has " + expected.length);
        try (FileChannel channel = FileChannel.open(seqFile, StandardOpenOption.READ)) {
            Scan scan = new Scan(1 << 16);
            assertEquals(expected.length, scan.load(channel, true).length());
            assertEquals(new String(expected, StandardCharsets.US_ASCII), scan.string(0, scan.length()));
            assertEquals(expected.length, scan.load(channel, true).length(), "and again from the same descriptor");
        }
    }
}
