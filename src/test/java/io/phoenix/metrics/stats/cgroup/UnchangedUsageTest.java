package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.MemoryEvents;
import io.phoenix.metrics.stats.Pressure;
import io.phoenix.metrics.stats.StatsSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * While a container's CPU counter stands still, what only its processes can change (cpuacct.stat, cpu.stat,
 * pids.current, the v1 disk counters) is kept from the last read instead of read again; what changes without them
 * (memory here) is read every time. Memory events and memory or I/O stalls are read while the container ran in this
 * pass or the one before, or while a stall's totals move. Played on copies of the recorded trees (v1, whose disk comes
 * from /proc/PID/io, and hybrid, which has pressure).
 */
class UnchangedUsageTest {

    private static final String GROUP = "libpod_parent/libpod-" + CgroupTreesTest.V1_ID;

    @Test
    void filesOnlyTheProcessesChangeAreReadAgainOnceTheCpuCounterMoves(@TempDir Path root) throws Exception {
        copy("v1", root);
        Path cgroup = root.resolve("sys/fs/cgroup");
        Path proc = root.resolve("proc");
        try (ContainerReader reader = ContainerReader.open(CgroupLayout.detect(cgroup), proc, CgroupTreesTest.V1_ID, 23240, false)) {
            StatsSample first = reader.read(new Scan(), 1, 2, Instant.EPOCH);
            assertEquals(DiskReader.Source.PROC_IO, reader.diskSource());

            Files.writeString(cgroup.resolve("cpuacct/" + GROUP + "/cpuacct.stat"), "user 300\nsystem 9\n");
            Files.writeString(cgroup.resolve("pids/" + GROUP + "/pids.current"), "5\n");
            Files.writeString(proc.resolve("23240/io"), Files.readString(proc.resolve("23240/io"))
                    .replace("write_bytes: 4214784", "write_bytes: 5214784"));
            Files.writeString(cgroup.resolve("memory/" + GROUP + "/memory.usage_in_bytes"), "8192000\n");
            StatsSample still = reader.read(new Scan(), 1, 2, Instant.EPOCH);
            assertEquals(first.cpu(), still.cpu(), "the counter did not move: user/system and throttling kept");
            assertEquals(first.pids(), still.pids());
            assertEquals(first.disks(), still.disks());
            assertEquals(8192000L, still.memory().usage(), "memory is read on every pass");

            Files.writeString(cgroup.resolve("cpuacct/" + GROUP + "/cpuacct.usage"), (first.cpu().totalNanos() + 1) + "\n");
            StatsSample moved = reader.read(new Scan(), 1, 2, Instant.EPOCH);
            assertEquals(3_000_000_000L, moved.cpu().userNanos());
            assertEquals(90_000_000L, moved.cpu().systemNanos());
            assertEquals(5L, moved.pids());
            assertEquals(List.of(new StatsSample.Disk("all", 4096L, 6316032L + 1_000_000L, null, null)), moved.disks());
        }
    }

    @Test
    void memoryEventsAndStallsAreReadAfterARunAndWhileAStallLasts(@TempDir Path root) throws Exception {
        copy("hybrid", root);
        Path cgroup = root.resolve("sys/fs/cgroup");
        Path unified = cgroup.resolve("unified/docker/" + CgroupTreesTest.HYBRID_ID);
        Path memory = cgroup.resolve("memory/docker/" + CgroupTreesTest.HYBRID_ID);
        try (ContainerReader reader = ContainerReader.open(CgroupLayout.detect(cgroup), root.resolve("proc"),
                CgroupTreesTest.HYBRID_ID, 13228, false)) {
            Scan scan = new Scan();
            reader.read(scan, 1, 2, Instant.EPOCH);
            reader.read(scan, 1, 2, Instant.EPOCH); // the pass after a run (the first read counts as one): all read

            Files.writeString(unified.resolve("cpu.pressure"), stall("3846072"));
            Files.writeString(unified.resolve("memory.pressure"), stall("5570"));
            Files.writeString(unified.resolve("io.pressure"), stall("4123"));
            Files.writeString(memory.resolve("memory.failcnt"), "57\n");
            Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
            StatsSample idle = reader.read(scan, 1, 2, Instant.EPOCH);
            assertEquals(new Pressure(3846072L, 3846072L, 5569L, 5569L, 4122L, 741L), idle.pressure(),
                    "two passes without a run and no stall moving: cpu.pressure alone is read");
            assertEquals(new MemoryEvents(1L, null, null, 56L), idle.memoryEvents());

            Path usage = cgroup.resolve("cpuacct/docker/" + CgroupTreesTest.HYBRID_ID + "/cpuacct.usage");
            Files.writeString(usage, "2520272311\n");
            StatsSample ran = reader.read(scan, 1, 2, Instant.EPOCH);
            assertEquals(new Pressure(3846072L, 3846072L, 5570L, 5570L, 4123L, 4123L), ran.pressure());
            assertEquals(new MemoryEvents(2L, null, null, 57L), ran.memoryEvents());

            Files.writeString(unified.resolve("io.pressure"), stall("5000"));
            assertEquals(5000L, reader.read(scan, 1, 2, Instant.EPOCH).pressure().ioSomeMicros(), "the pass after a run");
            Files.writeString(unified.resolve("io.pressure"), stall("6000"));
            assertEquals(6000L, reader.read(scan, 1, 2, Instant.EPOCH).pressure().ioSomeMicros(), "a stall still moving");
            assertEquals(6000L, reader.read(scan, 1, 2, Instant.EPOCH).pressure().ioSomeMicros(), "read once more: it stopped");
            Files.writeString(unified.resolve("io.pressure"), stall("7000"));
            Files.writeString(memory.resolve("memory.failcnt"), "58\n");
            StatsSample quiet = reader.read(scan, 1, 2, Instant.EPOCH);
            assertEquals(6000L, quiet.pressure().ioSomeMicros(), "no run and no stall: kept");
            assertEquals(57L, quiet.memoryEvents().failcnt());
        }
    }

    private static String stall(String total) {
        return "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + total + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=" + total + "\n";
    }

    private static void copy(String tree, Path root) throws IOException {
        Path source = CgroupTreesTest.tree(tree);
        try (var files = Files.walk(source)) {
            for (Path from : files.toList()) {
                Path to = root.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
    }
}
