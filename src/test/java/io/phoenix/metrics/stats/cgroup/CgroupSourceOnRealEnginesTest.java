package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.SampleWindow;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cgroup source on the real Docker and Podman of scripts/runtimes.sh, checked against the engines' own stats API
 * and against the kernel. Samples in the store come from the cgroup source only: the profile sets metrics.source=cgroup.
 */
@Tag("engine")
@QuarkusTest
@TestProfile(CgroupSourceOnRealEnginesTest.CgroupSource.class)
class CgroupSourceOnRealEnginesTest {

    public static class CgroupSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.source", "cgroup", "metrics.stats.interval", "1s");
        }
    }

    private static final long MIB = 1024 * 1024;

    @Inject
    SampleStore store;
    @Inject
    CgroupSampler sampler;
    @Inject
    ContainerInventory inventory;

    private Optional<StatsSample> latest(String id) {
        return store.window(id).map(SampleWindow::latest);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void cpuMemoryAndLimitAgreeWithTheEngine(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        // 8 MB of page cache that stays charged, so that a few pages coming and going between two readings of a
        // busy container are well under 5 %; and a working set (usage − inactive_file) far from the usage.
        String id = engineFixture.create(EngineFixture.uniqueName("cg-busy"), new JsonObject().put("Memory", 64 * MIB),
                "sh", "-c", "dd if=/dev/zero of=/f bs=1M count=8 2>/dev/null; yes > /dev/null");
        engineFixture.start(id);
        await().atMost(Duration.ofSeconds(60)).until(() -> latest(id)
                .map(s -> s.cpu() != null && s.cpu().totalNanos() > 1_000_000_000L).orElse(false));

        // The engine's reading is taken between two of ours: the same counter, so it must lie between them.
        StatsSample before = probe().readNow(id).orElseThrow();
        JsonObject reference = engineFixture.oneShotStats(id);
        StatsSample after = probe().readNow(id).orElseThrow();

        long engineCpu = reference.getJsonObject("cpu_stats").getJsonObject("cpu_usage").getLong("total_usage");
        long engineMemory = reference.getJsonObject("memory_stats").getLong("usage");
        long engineLimit = reference.getJsonObject("memory_stats").getLong("limit");
        System.out.printf("%s: cpu ns cgroup %d .. engine %d .. cgroup %d; memory engine %d cgroup (after) %d; limit engine %d cgroup %d%n",
                engine, before.cpu().totalNanos(), engineCpu, after.cpu().totalNanos(), engineMemory, after.memory().usage(),
                engineLimit, after.memory().limit());
        assertTrue(engineCpu >= before.cpu().totalNanos() * 0.95 && engineCpu <= after.cpu().totalNanos() * 1.05,
                "engine CPU " + engineCpu + " outside [" + before.cpu().totalNanos() + ", " + after.cpu().totalNanos() + "] ± 5 %");
        assertEquals(engineCpu, after.cpu().totalNanos(), engineCpu * 0.05, "CPU seconds within 5 %");
        long nearer = Math.abs(before.memory().usage() - engineMemory) < Math.abs(after.memory().usage() - engineMemory)
                ? before.memory().usage() : after.memory().usage();
        assertTrue(engineMemory > 8 * MIB, "the page cache is charged: " + engineMemory);
        assertEquals(engineMemory, nearer, engineMemory * 0.05, "memory usage within 5 % (before " + before.memory().usage()
                + ", after " + after.memory().usage() + ")");
        assertEquals(64 * MIB, engineLimit);
        assertEquals(64 * MIB, after.memory().limit());
        assertTrue(after.cpu().userNanos() > 0 && after.cpu().userNanos() <= after.cpu().totalNanos() * 1.05,
                "user time of a `yes` is most of its CPU time: " + after.cpu());

        // What the pipeline stored came from the same files, on the sampler's ticks.
        StatsSample stored = latest(id).orElseThrow();
        assertEquals(64 * MIB, stored.memory().limit());
        assertTrue(stored.cpu().totalNanos() <= after.cpu().totalNanos());
        assertTrue(Duration.between(stored.readAt(), Instant.now()).toSeconds() < 5, "fresh: " + stored.readAt());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Double percent = store.window(id).map(SampleWindow::cpuPercent).orElse(null);
            return percent != null && percent > 5 && percent <= 100 * stored.cpu().onlineCpus() + 5;
        });
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void networkBytesGrowWhenTheTestsOwnContainersExchangeData(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String network = EngineFixture.uniqueName("cg-net");
        engineFixture.createNetwork(network);
        JsonObject onNetwork = new JsonObject().put("NetworkMode", network);
        String server = engineFixture.create(EngineFixture.uniqueName("cg-httpd"), onNetwork, "/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/");
        engineFixture.start(server);
        String address = engineFixture.address(server, network);
        // Container to container on the test's own network: fetch the 2 MB busybox binary over and over.
        String client = engineFixture.create(EngineFixture.uniqueName("cg-wget"), onNetwork, "sh", "-c",
                "while true; do wget -q -O /dev/null http://" + address + ":8080/bin/busybox; sleep 0.5; done");
        engineFixture.start(client);

        await().atMost(Duration.ofSeconds(30)).until(() -> eth0(client).isPresent() && eth0(server).isPresent());
        StatsSample.Network clientBefore = eth0(client).orElseThrow();
        StatsSample.Network serverBefore = eth0(server).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                eth0(client).orElseThrow().rxBytes() >= clientBefore.rxBytes() + 4 * MIB
                        && eth0(server).orElseThrow().txBytes() >= serverBefore.txBytes() + 4 * MIB);
        StatsSample.Network clientAfter = eth0(client).orElseThrow();
        System.out.printf("%s: client eth0 rx %d -> %d, server eth0 tx %d -> %d%n", engine, clientBefore.rxBytes(),
                clientAfter.rxBytes(), serverBefore.txBytes(), eth0(server).orElseThrow().txBytes());
        assertTrue(clientAfter.rxPackets() > clientBefore.rxPackets());
        assertTrue(latest(client).orElseThrow().networks().stream().noneMatch(n -> n.iface().equals("lo")),
                "loopback is left out by default");
    }

    private Optional<StatsSample.Network> eth0(String id) {
        return latest(id).flatMap(s -> s.networks().stream().filter(n -> n.iface().equals("eth0")).findFirst());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anFsyncWriterShowsAtLeast16MBWritten(Engine engine) throws IOException {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String id = engineFixture.run(EngineFixture.uniqueName("cg-dd"), "sh", "-c",
                "dd if=/dev/zero of=/f bs=1M count=16 conv=fsync; sleep 600");

        await().atMost(Duration.ofSeconds(60)).until(() -> latest(id).map(s -> written(s) >= 16 * MIB).orElse(false));
        StatsSample stored = latest(id).orElseThrow();
        String source = probe().diskSource(id).orElseThrow().name();
        System.out.printf("%s: %d bytes written, from %s, devices %s%n", engine, written(stored), source, stored.disks());
        if (source.equals("PROC_IO")) {
            assertEquals(List.of("all"), stored.disks().stream().map(StatsSample.Disk::device).toList());
        } else {
            assertEquals("BLKIO", source, "a v1 host: blkio where blk-throttle counts, else the per-process fallback");
            stored.disks().forEach(d -> assertTrue(d.device().matches("\\d+:\\d+"), d.device()));
        }

        // The per-process fallback on this very container, whichever of the two the host made the source use.
        int pid = inventory.get(id).map(ContainerInfo::pid).orElseThrow();
        StatsSample.Disk fallback = SamplerProbe.processIo(sampler.layout(), sampler.procRoot(), pid);
        assertEquals("all", fallback.device());
        assertTrue(fallback.writeBytes() >= 16 * MIB, "fallback: " + fallback);
    }

    private SamplerProbe probe() {
        return new SamplerProbe(sampler);
    }

    private static long written(StatsSample sample) {
        return sample.disks().stream().mapToLong(d -> d.writeBytes() == null ? 0 : d.writeBytes()).sum();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aContainerRemovedBetweenTwoTicksReleasesEveryDescriptor(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String id = engineFixture.run(EngineFixture.uniqueName("cg-fd"), "sleep", "600");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> latest(id).isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Seen once in three CI rehearsals on Podman: say what the agent knew, so the next one can be explained.
            throw new AssertionError("no sample for " + engine + " container " + id + " within 20 s; inventory: "
                    + inventory.get(id).map(c -> c.state() + " pid=" + c.pid()).orElse("absent")
                    + "; descriptors held: " + probe().openFiles(id) + "; engine says: " + engineFixture.inspect(id).getJsonObject("State"), e);
        }
        int pid = inventory.get(id).map(ContainerInfo::pid).orElseThrow();

        int held = probe().openFiles(id);
        List<String> mine = descriptorsOf(id, pid);
        int totalBefore = openDescriptors();
        assertTrue(held >= 8 && held <= ContainerReader.MAX_HELD, "held " + held);
        assertTrue(mine.size() >= held, "the agent's /proc/self/fd shows the container's files: " + mine);

        // Right after a tick, so that the removal falls between two.
        Instant seen = latest(id).orElseThrow().readAt();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> latest(id).map(s -> s.readAt().isAfter(seen)).orElse(false));
        engineFixture.remove(id);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> descriptorsOf(id, pid).isEmpty() && probe().openFiles(id) == 0);
        int totalAfter = openDescriptors();
        System.out.printf("%s: %d descriptors for the container (%d per the sampler); agent total %d before, %d after removal%n",
                engine, mine.size(), held, totalBefore, totalAfter);

        // And nothing of it comes back on later ticks.
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(3)).until(() -> store.window(id).isEmpty());
        assertTrue(descriptorsOf(id, pid).isEmpty());
    }

    /** The agent's descriptors pointing into the container's cgroup directories or its /proc/PID. */
    private static List<String> descriptorsOf(String id, int pid) {
        String proc = "/proc/" + pid + "/";
        List<String> out = new ArrayList<>();
        for (String target : descriptorTargets()) {
            if (target.contains(id) || target.startsWith(proc)) {
                out.add(target);
            }
        }
        return out;
    }

    private static int openDescriptors() {
        return descriptorTargets().size();
    }

    private static List<String> descriptorTargets() {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed while listing
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return targets;
    }

    /** The host's interfaces (this machine has eth0 and ifb0/1 besides lo) are not the container's. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aContainerOnTheHostNetworkReportsNoInterfaces(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String id = engineFixture.create(EngineFixture.uniqueName("cg-hostnet"), new JsonObject().put("NetworkMode", "host"), "sleep", "600");
        engineFixture.start(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest(id).isPresent());
        assertEquals(List.of(), latest(id).orElseThrow().networks());
        assertEquals(ContainerReader.MAX_HELD - 1, probe().openFiles(id), "no net/dev held for it");
    }

    @Test
    void theSourceIsChosenAndItsDescriptorsAreExposed() {
        assertTrue(sampler.enabled());
        assertTrue(sampler.decision().reason().startsWith("metrics.source=cgroup"), sampler.decision().reason());
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String id = docker.run(EngineFixture.uniqueName("cg-gauge"), "sleep", "600");
            await().atMost(Duration.ofSeconds(10)).until(() -> latest(id).isPresent());
            assertTrue(sampler.openFiles() >= probe().openFiles(id) + 1, "every container's files plus /proc/stat");
            given().get("/metrics").then().statusCode(200)
                    .body(containsString("# HELP phoenix_cgroup_open_files File descriptors the cgroup stats source holds open"))
                    .body(matchesPattern("(?s).*\\nphoenix_cgroup_open_files [1-9][0-9]*\\.0\\n.*"))
                    .body(matchesPattern("(?s).*\\nphoenix_stats_streams_open 0\\.0\\n.*"));
        }
        assertFalse(sampler.decision().reason().isEmpty());
    }
}
