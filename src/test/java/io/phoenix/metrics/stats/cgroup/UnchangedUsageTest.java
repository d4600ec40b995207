package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * While a container's CPU counter stands still, what only its processes can change (cpuacct.stat, cpu.stat,
 * pids.current, the v1 disk counters) is kept from the last read instead of read again; what changes without them
 * (memory here) is read every time. Played on a copy of the recorded v1 tree, whose disk comes from /proc/PID/io.
 */
class UnchangedUsageTest {

    private static final String GROUP = "libpod_parent/libpod-" + CgroupTreesTest.V1_ID;

    @Test
    void filesOnlyTheProcessesChangeAreReadAgainOnceTheCpuCounterMoves(@TempDir Path root) throws Exception {
        Path source = CgroupTreesTest.tree("v1");
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
}
