package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.stats.MemoryEvents;
import io.phoenix.metrics.stats.Pressure;
import io.phoenix.metrics.stats.StatsSample;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The pressure and memory event files of the recorded trees (see src/test/resources/cgroup/README.md). */
class PressureAndOomFilesTest {

    private static StatsSample read(String tree, String id, int pid) throws Exception {
        Path root = CgroupTreesTest.tree(tree);
        try (ContainerReader reader = ContainerReader.open(CgroupLayout.detect(root.resolve("sys/fs/cgroup")),
                root.resolve("proc"), id, pid, false)) {
            return reader.read(new Scan(), 1, 1, Instant.EPOCH);
        }
    }

    @Test
    void hybridReadsPressureFromTheUnifiedDirectoryAndOomKillsFromV1() throws Exception {
        StatsSample s = read("hybrid", CgroupTreesTest.HYBRID_ID, 13228);
        // recorded after `dd bs=64M` was OOM-killed in a 16 MiB container that kept running two busy loops
        assertEquals(new Pressure(3846071L, 3820892L, 5569L, 5569L, 4122L, 741L), s.pressure());
        assertEquals(new MemoryEvents(1L, null, null, 56L), s.memoryEvents());
    }

    @Test
    void pureV1HasNoPressure() throws Exception {
        StatsSample s = read("v1", CgroupTreesTest.V1_ID, 23240);
        assertNull(s.pressure(), "no cgroup v2 directory: no PSI, series absent");
        assertEquals(new MemoryEvents(0L, null, null, 0L), s.memoryEvents());
    }

    @Test
    void v2ReadsMemoryEventsAndPressure() throws Exception {
        StatsSample docker = read("v2", CgroupTreesTest.V2_DOCKER_ID, 2301);
        assertEquals(new Pressure(1500000L, 250000L, 730000L, 410000L, 95000L, 60000L), docker.pressure());
        assertEquals(new MemoryEvents(2L, 12L, 345L, null), docker.memoryEvents(), "oom_kill, not oom or oom_group_kill");
        StatsSample podman = read("v2", CgroupTreesTest.V2_PODMAN_ID, 4711);
        assertEquals(new Pressure(0L, null, 0L, 0L, 12L, 7L), podman.pressure(), "cpu.pressure without a full line (before 5.13)");
        assertEquals(new MemoryEvents(0L, 0L, 0L, null), podman.memoryEvents());
    }

    @Test
    void pressureLinesInAnyOrderAndGarbageAreTolerated() {
        long[] out = new long[2];
        PressureFiles.parse(load("full avg10=0.00 total=7\nsome avg10=1.00 avg60=0.00 avg300=0.00 total=42\n"), out);
        assertEquals(42, out[0]);
        assertEquals(7, out[1]);
        PressureFiles.parse(load("garbage\nsome avg10=x\n"), out);
        assertEquals(Scan.NONE, out[0]);
        assertEquals(Scan.NONE, out[1]);
    }

    private static Scan load(String text) {
        return new Scan().load(text.getBytes(StandardCharsets.US_ASCII));
    }
}
