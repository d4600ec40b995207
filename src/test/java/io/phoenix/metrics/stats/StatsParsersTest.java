package io.phoenix.metrics.stats;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.JsonObjectFramer;
import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recorded stats of a container running {@code dd} (8 MiB into page cache) then {@code yes}: Docker's
 * per-container stream (cgroup v1) and Podman's libpod all-containers stream. The blkio and v2 fixtures are that
 * recorded object with blkio_stats (and for v2 memory_stats) replaced by the engine's v1/v2 shapes, because the
 * VMs here do not account block I/O.
 */
class StatsParsersTest {

    private static List<JsonObject> stream(String name) {
        return new JsonObjectFramer().feed(Recorded.bytes(name));
    }

    @Test
    void dockerCgroupV1() {
        List<JsonObject> objects = stream("docker-stats-stream.jsonl");
        StatsSample s = DockerStatsParser.parse("1f4be2ec8365", objects.get(objects.size() - 1));
        assertEquals(Instant.parse("2026-11-25T02:10:42.188744765Z"), s.readAt());
        assertEquals(4063936612L, s.cpu().totalNanos());
        assertEquals(4010000000L, s.cpu().userNanos());
        assertEquals(50000000L, s.cpu().systemNanos());
        assertEquals(3142300000000L, s.cpu().hostNanos());
        assertEquals(2, s.cpu().onlineCpus());
        assertEquals(0L, s.cpu().throttledPeriods());
        assertEquals(9187328L, s.memory().usage());
        assertEquals(8388608L, s.memory().inactiveFile(), "cgroup v1: total_inactive_file");
        assertEquals(9187328L - 8388608L, s.memory().workingSet());
        assertEquals(268435456L, s.memory().limit());
        assertEquals(1L, s.pids());
        assertTrue(s.networks().isEmpty(), "--network none: no interfaces, not zeros");
        assertTrue(s.disks().isEmpty(), "blkio lists are empty on these VMs");
    }

    @Test
    void cpuPercentComesFromTheAgentsOwnPreviousSample() {
        List<JsonObject> objects = stream("docker-stats-stream.jsonl");
        StatsSample before = DockerStatsParser.parse("x", objects.get(objects.size() - 2));
        StatsSample after = DockerStatsParser.parse("x", objects.get(objects.size() - 1));
        SampleWindow window = new SampleWindow(null, before).next(after);
        // (4063936612 - 3060021465) / (3142300000000 - 3140290000000) * 2 cores * 100
        assertEquals(99.892, window.cpuPercent(), 0.001);
        assertNull(new SampleWindow(null, after).cpuPercent(), "one sample is not a rate");
        assertNull(new SampleWindow(after, before).cpuPercent(), "counters that went back (restart) are not a rate");
    }

    @Test
    void dockerV1BlkioAndNetworksPerDevice() {
        StatsSample s = DockerStatsParser.parse("x", Recorded.json("docker-stats-v1-blkio.json"));
        assertEquals(List.of(new StatsSample.Disk("254:0", 4096000L, 16777216L, 100L, 16L),
                new StatsSample.Disk("7:0", 1024L, 0L, 1L, 0L)), s.disks(), "Sync/Async/Total/Discard are not double-counted");
        assertEquals(List.of(new StatsSample.Network("eth0", 5000, 50L, 1L, 2L, 7000, 70L, 3L, 4L),
                new StatsSample.Network("eth1", 10, 1L, 0L, 0L, 20, 2L, 0L, 0L)), s.networks());
    }

    @Test
    void dockerCgroupV2() {
        StatsSample s = DockerStatsParser.parse("x", Recorded.json("docker-stats-v2.json"));
        assertEquals(4718592L, s.memory().inactiveFile(), "cgroup v2: inactive_file");
        assertEquals(73400320L - 4718592L, s.memory().workingSet());
        assertEquals(134217728L, s.memory().limit());
        assertEquals(List.of(new StatsSample.Disk("8:0", 1048576L, 16777216L, 10L, 130L)), s.disks());
        assertEquals(500L, s.cpu().periods());
        assertEquals(20L, s.cpu().throttledPeriods());
        assertEquals(1500000000L, s.cpu().throttledNanos());
    }

    @Test
    void workingSetIsClampedAtZero() {
        assertEquals(0L, new StatsSample.Memory(100, null, 200L).workingSet());
        assertNull(new StatsSample.Memory(100, null, null).workingSet(), "unknown, not usage");
    }

    @Test
    void podmanLibpodStream() {
        List<JsonObject> reports = stream("podman-libpod-stream.jsonl");
        StatsSample first = PodmanStatsParser.parse(reports.get(0)).get(0);
        StatsSample second = PodmanStatsParser.parse(reports.get(1)).get(0);
        assertEquals("bfc8c621947f40ea7063f685c4d8dd903f4d687e9a0f888058c22bf10342691a", first.containerId());
        assertEquals(1040352371L, first.cpu().totalNanos());
        assertEquals(16000000L, first.cpu().systemNanos());
        assertEquals(1040352371L - 16000000L, first.cpu().userNanos());
        assertEquals(2, first.cpu().onlineCpus());
        assertEquals(1795572659820639938L * 2, first.cpu().hostNanos(), "wall clock × cores");
        assertEquals(9187328L, first.memory().usage());
        assertNull(first.memory().workingSet(), "libpod does not split page cache out: no working set");
        assertEquals(268435456L, first.memory().limit());
        assertNull(first.cpu().throttledPeriods());
        assertEquals(List.of(new StatsSample.Network("all", 0, null, null, null, 0, null, null, null)), first.networks());
        // (2043397842 - 1040352371) / (1795572660822459716 - 1795572659820639938) * 100
        assertEquals(100.122, new SampleWindow(first, second).cpuPercent(), 0.001);
    }

    @Test
    void podmanBefore44ReportsNetIoFromTheOtherSide() {
        assertTrue(PodmanStatsParser.swapsNetIo("4.3.1"));
        assertTrue(PodmanStatsParser.swapsNetIo("3.4.4"));
        assertFalse(PodmanStatsParser.swapsNetIo("4.4.0"));
        assertFalse(PodmanStatsParser.swapsNetIo("5.2.1-dev"));
        JsonObject report = new JsonObject().put("Stats", new io.vertx.core.json.JsonArray().add(new JsonObject()
                .put("ContainerID", "c").put("SystemNano", 1L).put("CPUNano", 5L).put("MemUsage", 10L)
                .put("NetInput", 3927).put("NetOutput", 791423)));
        StatsSample.Network swapped = PodmanStatsParser.parse(report, true).get(0).networks().get(0);
        assertEquals(791423, swapped.rxBytes(), "the client that downloaded 786 KB received them");
        assertEquals(3927, swapped.txBytes());
        assertEquals(3927, PodmanStatsParser.parse(report, false).get(0).networks().get(0).rxBytes());
    }

    @Test
    void garbageIsAProtocolErrorNamingTheField() {
        JsonObject docker = Recorded.json("docker-stats-v2.json");
        docker.getJsonObject("memory_stats").put("usage", "lots");
        assertTrue(assertThrows(RuntimeApiException.Protocol.class, () -> DockerStatsParser.parse("x", docker))
                .getMessage().contains("usage"));
        assertThrows(RuntimeApiException.Protocol.class,
                () -> PodmanStatsParser.parse(new JsonObject().put("Error", "container not running").put("Stats", null)));
        assertThrows(RuntimeApiException.Protocol.class,
                () -> PodmanStatsParser.parse(new JsonObject().put("Stats", new io.vertx.core.json.JsonArray().add(new JsonObject()))));
        assertEquals(List.of(), PodmanStatsParser.parse(new JsonObject().put("Error", null).put("Stats", null)));
    }
}
