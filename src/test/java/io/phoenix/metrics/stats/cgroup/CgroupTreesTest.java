package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.StatsSample;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorded trees under src/test/resources/cgroup (see its README) parsed to the values in their files. */
class CgroupTreesTest {

    static final String HYBRID_ID = "ff9996eeff63b15b5ab7b8c48e4c5ae01b0fb78b26d24f1168114881d46936dd";
    static final String V1_ID = "4618207f43e18240b5e417fa22fd05bd2d312e47eb6f9474b9cc0ca1cd594cbf";
    static final String V2_DOCKER_ID = "3f1c0a9be2d84d5c8f7e61a20b9d4c3e5f60718293a4b5c6d7e8f90a1b2c3d4e";
    static final String V2_PODMAN_ID = "8c2e4f6a8b0d1e3f5a7c9e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f";

    static Path tree(String name) {
        try {
            return Path.of(CgroupTreesTest.class.getResource("/cgroup/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Host {
        final Scan scan = new Scan();
        final long[] cpu = new long[2];
        final CgroupLayout layout;
        final Path proc;

        Host(String tree) throws Exception {
            Path root = tree(tree);
            layout = CgroupLayout.detect(root.resolve("sys/fs/cgroup"));
            proc = root.resolve("proc");
            assertTrue(ProcStat.hostCpu(scan.load(Files.readAllBytes(proc.resolve("stat"))), cpu));
        }

        ContainerReader open(String id, int pid, boolean loopback) throws Exception {
            return ContainerReader.open(layout, proc, id, pid, loopback);
        }

        StatsSample read(ContainerReader reader) throws Exception {
            return reader.read(scan, cpu[0], (int) cpu[1], Instant.EPOCH);
        }
    }

    @Test
    void hybridDockerContainerReadsV1ControllersAndCountingBlkio() throws Exception {
        Host host = new Host("hybrid");
        assertEquals(CgroupLayout.Kind.HYBRID, host.layout.kind());
        // /proc/stat "cpu  189722 0 10611 349919 617 0 191 ...": seven fields, USER_HZ 100
        assertEquals((189722L + 10611 + 349919 + 617 + 191) * 10_000_000L, host.cpu[0]);
        assertEquals(2, host.cpu[1]);

        try (ContainerReader reader = host.open(HYBRID_ID, 13228, false)) {
            assertEquals(16, reader.openFiles(), "11, the three pressure files, memory.oom_control and memory.failcnt");
            StatsSample s = host.read(reader);
            assertEquals(HYBRID_ID, s.containerId());
            // cpuacct.usage, not unified cpu.stat's usage_usec 2540268
            assertEquals(new StatsSample.Cpu(2520272310L, 2_480_000_000L, 30_000_000L, host.cpu[0], 2, 53L, 48L, 1904688614L), s.cpu());
            assertEquals(new StatsSample.Memory(8962048, 67108864L, 8388608L), s.memory());
            assertEquals(573440L, s.memory().workingSet());
            assertEquals(1L, s.pids());
            assertEquals(List.of(new StatsSample.Network("eth0", 1987239, 71L, 0L, 0L, 4165, 62L, 0L, 0L)), s.networks());
            assertEquals(List.of(new StatsSample.Disk("254:0", 0L, 8404992L, 0L, 7L)), s.disks());
            assertEquals(DiskReader.Source.BLKIO, reader.diskSource());
        }
    }

    @Test
    void v1PodmanContainerFallsBackToPerProcessIoWhenBlkioDoesNotCount() throws Exception {
        Host host = new Host("v1");
        assertEquals(CgroupLayout.Kind.V1, host.layout.kind());
        assertEquals((201642L + 12382 + 365934 + 696 + 223) * 10_000_000L, host.cpu[0]);

        try (ContainerReader reader = host.open(V1_ID, 23240, false)) {
            assertEquals(13, reader.openFiles(), "11, memory.oom_control and memory.failcnt; no unified hierarchy, no pressure");
            StatsSample s = host.read(reader);
            assertEquals(new StatsSample.Cpu(2564157053L, 2_530_000_000L, 20_000_000L, host.cpu[0], 2, 51L, 51L, 2458432293L), s.cpu());
            assertEquals(new StatsSample.Memory(7090176, 67108864L, 2097152L), s.memory());
            assertEquals(2L, s.pids());
            assertEquals(List.of(new StatsSample.Network("eth0", 1220, 14L, 0L, 0L, 516, 6L, 0L, 0L)), s.networks());
            // PID 23240: read 4096 write 4214784; PID 23257: read 0 write 2101248 (= the real blkio counters)
            assertEquals(List.of(new StatsSample.Disk("all", 4096L, 6316032L, null, null)), s.disks());
            assertEquals(DiskReader.Source.PROC_IO, reader.diskSource());
        }
    }

    @Test
    void v2DockerContainerInASystemdScope() throws Exception {
        Host host = new Host("v2");
        assertEquals(CgroupLayout.Kind.V2, host.layout.kind());
        assertEquals(51370L * 10_000_000L, host.cpu[0]);
        assertEquals(4, host.cpu[1]);

        try (ContainerReader reader = host.open(V2_DOCKER_ID, 2301, false)) {
            assertEquals(11, reader.openFiles(), "7, the three pressure files and memory.events");
            StatsSample s = host.read(reader);
            assertEquals(new StatsSample.Cpu(5_123_456_000L, 4_100_000_000L, 1_023_456_000L, host.cpu[0], 4, 1200L, 37L, 2_345_678_000L), s.cpu());
            assertEquals(new StatsSample.Memory(153092096, 268435456L, 31457280L), s.memory());
            assertEquals(3L, s.pids());
            assertEquals(List.of(new StatsSample.Network("eth0", 5242880, 3900L, 1L, 2L, 1048576, 2100L, 0L, 3L),
                    new StatsSample.Network("eth1", 740, 9L, 0L, 0L, 656, 8L, 0L, 0L)), s.networks());
            assertEquals(List.of(new StatsSample.Disk("253:0", 1048576L, 16777216L, 24L, 130L),
                    new StatsSample.Disk("8:0", 4096L, 0L, 1L, 0L)), s.disks());
            assertEquals(DiskReader.Source.IO_STAT, reader.diskSource());
        }
    }

    @Test
    void v2PodmanContainerWithoutLimitThrottlingOrIoStat() throws Exception {
        Host host = new Host("v2");
        try (ContainerReader reader = host.open(V2_PODMAN_ID, 4711, true)) {
            assertEquals(11, reader.openFiles(), "7, the three pressure files and memory.events");
            StatsSample s = host.read(reader);
            assertEquals(new StatsSample.Cpu(987_654_000L, 900_000_000L, 87_654_000L, host.cpu[0], 4, null, null, null), s.cpu());
            assertNull(s.memory().limit(), "memory.max \"max\" is no limit");
            assertEquals(new StatsSample.Memory(2097152, null, 524288L), s.memory());
            assertEquals(List.of("lo", "eth0", "eth1"), s.networks().stream().map(StatsSample.Network::iface).toList(),
                    "include-loopback keeps lo");
            assertEquals(List.of(new StatsSample.Disk("all", 8192L, 4194304L, null, null)), s.disks());
        }
    }

    @Test
    void theFallbackCanBeForcedAndAgreesWithTheBlkioCountersOfTheSameContainer() throws Exception {
        Host host = new Host("hybrid");
        // /proc/13228/io write_bytes 8400896; blkio said 8404992 for the same container (one more 4 kB page)
        assertEquals(new StatsSample.Disk("all", 0L, 8400896L, null, null), SamplerProbe.processIo(host.layout, host.proc, 13228));
    }

    @Test
    void readingTwiceGivesTheSameAnswerFromTheSameDescriptors() throws Exception {
        Host host = new Host("hybrid");
        try (ContainerReader reader = host.open(HYBRID_ID, 13228, false)) {
            StatsSample first = host.read(reader);
            StatsSample second = host.read(reader);
            assertEquals(first, second);
            assertTrue(first.networks().get(0).iface() == second.networks().get(0).iface(), "interface names are reused, not re-made");
        }
    }

    @Test
    void aPidWhoseCgroupDoesNotNameTheContainerIsRefused() throws Exception {
        Host host = new Host("hybrid");
        String other = "0".repeat(64);
        var e = assertThrows(ContainerReader.NotTheContainer.class, () -> host.open(other, 13228, false));
        assertTrue(e.getMessage().contains(other), e.getMessage());
    }

    @Test
    void aGoneProcessCannotBeOpened() throws Exception {
        Host host = new Host("hybrid");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> host.open(HYBRID_ID, 99999, false));
    }

    @Test
    void limitsAtOrAbove2To62AreNoLimit() throws Exception {
        Path root = Files.createTempDirectory("cgroup-limit");
        try {
            Path memory = Files.createDirectories(root.resolve("sys/fs/cgroup/memory/docker/abc123"));
            Files.createDirectories(root.resolve("sys/fs/cgroup/cpuacct/docker/abc123"));
            Files.writeString(root.resolve("sys/fs/cgroup/cpuacct/docker/abc123/cpuacct.usage"), "5\n");
            Files.writeString(memory.resolve("memory.usage_in_bytes"), "4096\n");
            Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
            Path proc = Files.createDirectories(root.resolve("proc/77/net"));
            Files.writeString(root.resolve("proc/77/cgroup"), "4:memory:/docker/abc123\n2:cpuacct:/docker/abc123\n");
            Files.writeString(proc.resolve("dev"), "h1\nh2\n");
            try (ContainerReader reader = ContainerReader.open(CgroupLayout.detect(root.resolve("sys/fs/cgroup")),
                    root.resolve("proc"), "abc123", 77, false)) {
                StatsSample s = reader.read(new Scan(), 1, 1, Instant.EPOCH);
                assertEquals(new StatsSample.Memory(4096, null, null), s.memory());
                Files.writeString(memory.resolve("memory.limit_in_bytes"), String.valueOf((1L << 62) - 4096));
                assertEquals((1L << 62) - 4096, reader.read(new Scan(), 1, 1, Instant.EPOCH).memory().limit());
                Files.writeString(memory.resolve("memory.limit_in_bytes"), String.valueOf(1L << 62));
                assertNull(reader.read(new Scan(), 1, 1, Instant.EPOCH).memory().limit());
                assertEquals(5L, s.cpu().totalNanos());
                assertNull(s.cpu().userNanos());
                assertEquals(List.of(), s.networks());
            }
        } finally {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
