package io.phoenix.metrics.oom;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OOM kills and CPU pressure of real containers, with the default source (the cgroup files on these machines). */
@QuarkusTest
@Tag("engine")
@TestProfile(SlowHost.Patient.class)
class OomAndPressureOnRealEnginesTest {

    private static final long MIB = 1L << 20;
    /** 16 MiB and no swap beyond it, so that 64 MiB in one process is an OOM kill on every host. */
    private static final JsonObject SIXTEEN_MIB = new JsonObject().put("Memory", 16 * MIB).put("MemorySwap", 16 * MIB);
    private static final String DD_64MIB = "dd if=/dev/zero of=/dev/null bs=64M count=1";

    /** The kernel's own oom_kill count of a running container's memory cgroup, found from its init PID. */
    private static long kernelOomKills(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] parts = line.split(":", 3);
            Path file = parts[1].equals("memory") ? Path.of("/sys/fs/cgroup/memory" + parts[2], "memory.oom_control")
                    : parts[0].equals("0") && parts[1].isEmpty() && !Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
                    ? Path.of("/sys/fs/cgroup" + parts[2], "memory.events") : null;
            if (file != null) {
                return Files.readAllLines(file).stream().filter(l -> l.startsWith("oom_kill ")).mapToLong(l -> Long.parseLong(l.substring(9)))
                        .findFirst().orElseThrow();
            }
        }
        throw new IllegalStateException("no memory cgroup for PID " + pid);
    }

    /** Starts a 16 MiB container whose shell survives its dd child being OOM-killed; returns its id once the kernel counted it. */
    private static String survivingOomKill(EngineFixture fixture, String name) throws Exception {
        String id = fixture.create(name, SIXTEEN_MIB, "sh", "-c", "sleep 4; " + DD_64MIB + "; sleep 300");
        fixture.start(id);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Scrape.now().value("container_oom_events_total", name).isPresent());
        assertEquals(0.0, Scrape.now().value("container_oom_events_total", name).orElseThrow(), "no kill before dd runs");
        int pid = fixture.inspect(id).getJsonObject("State").getInteger("Pid");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> kernelOomKills(pid) >= 1);
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> Scrape.now().value("container_oom_events_total", name).orElse(0.0) >= 1);
        System.out.printf("%s: container_oom_events_total >= 1 %d ms after the kernel counted the kill%n", name,
                (System.nanoTime() - killedAt) / 1_000_000);
        assertEquals(Boolean.TRUE, fixture.inspect(id).getJsonObject("State").getBoolean("Running"), "the shell survived");
        assertEquals(1.0, Scrape.now().value("container_status", name).orElseThrow());
        return id;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anOomKillInARunningContainerIsCountedAndItsNameKeepsCountingAcrossReplacement(Engine engine) throws Exception {
        EngineFixture fixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("oom-child");
        String first = survivingOomKill(fixture, name);
        await().atMost(Duration.ofSeconds(3)).until(() -> Scrape.now().value("container_oom_kills_by_name_total", name).orElse(0.0) == 1);

        fixture.remove(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_oom_events_total", name).isEmpty());
        assertEquals(1.0, Scrape.now().value("container_oom_kills_by_name_total", name).orElseThrow(), "the name keeps its count");

        survivingOomKill(fixture, name); // a new container of the same name: its own counter starts at 0
        await().atMost(Duration.ofSeconds(3)).until(() -> Scrape.now().value("container_oom_kills_by_name_total", name).orElse(0.0) == 2);
        Thread.sleep(1500); // the engine's event and the kernel's count are one kill, not two
        assertEquals(2.0, Scrape.now().value("container_oom_kills_by_name_total", name).orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aContainerWhoseOnlyProcessIsOomKilled(Engine engine) {
        EngineFixture fixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("oom-only");
        String id = fixture.create(name, SIXTEEN_MIB, "sh", "-c", "sleep 1; exec " + DD_64MIB);
        fixture.start(id);
        await().atMost(Duration.ofSeconds(20)).until(() -> "exited".equals(fixture.inspect(id).getJsonObject("State").getString("Status")));
        boolean engineSaysOom = fixture.inspect(id).getJsonObject("State").getBoolean("OOMKilled");
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().value("container_oom_killed", name).isPresent()
                && Scrape.now().value("container_exit_code", name).isPresent());
        Scrape scrape = Scrape.now();
        System.out.printf("%s: exit %s, State.OOMKilled %s, container_oom_killed %s%n", engine,
                scrape.value("container_exit_code", name), engineSaysOom, scrape.value("container_oom_killed", name));
        assertEquals(137.0, scrape.value("container_exit_code", name).orElseThrow(), "SIGKILL");
        if (engine == Engine.DOCKER) {
            assertTrue(engineSaysOom);
            assertEquals(1.0, scrape.value("container_oom_killed", name).orElseThrow());
        } else {
            // Podman 4.3 with runc on a hybrid host does not learn of the kill (conmon's OOM watch): the series says
            // what the engine says, no more.
            assertEquals(engineSaysOom ? 1.0 : 0.0, scrape.value("container_oom_killed", name).orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void twoBusyLoopsOnOneCpuWaitForIt(Engine engine) throws Exception {
        EngineFixture fixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("psi");
        fixture.start(fixture.create(name, new JsonObject().put("CpusetCpus", "0"), "sh", "-c", "yes > /dev/null & exec yes > /dev/null"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_cpu_usage_seconds_total", name).isPresent());
        if (!Files.isReadable(Path.of("/proc/pressure/cpu"))) {
            // A kernel without PSI (or booted with psi=0): no pressure files, so no series rather than zeros.
            assertTrue(Scrape.now().value("container_pressure_cpu_waiting_seconds_total", name).isEmpty());
            return;
        }
        assertEquals("cgroup", given().get("/api/runtimes").then().extract().path("source"), "pressure comes from the kernel");
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().value("container_pressure_cpu_waiting_seconds_total", name).isPresent());
        Scrape first = Scrape.now();
        Thread.sleep(3000);
        Scrape second = Scrape.now();
        double waited = second.value("container_pressure_cpu_waiting_seconds_total", name).orElseThrow()
                - first.value("container_pressure_cpu_waiting_seconds_total", name).orElseThrow();
        double wall = second.value("container_last_sample_timestamp_seconds", name).orElseThrow()
                - first.value("container_last_sample_timestamp_seconds", name).orElseThrow();
        System.out.printf("%s: CPU waiting %.2f s over %.2f s of samples = %.2f s/s%n", engine, waited, wall, waited / wall);
        assertTrue(wall >= 2, "samples kept coming: " + wall);
        assertTrue(waited / wall >= 0.5, "waiting " + waited + " s in " + wall + " s");
        List<String> rest = given().get("/api/containers/" + name + "/metrics").then().statusCode(200).extract().path("metrics.name");
        assertTrue(rest.contains("container_pressure_cpu_waiting_seconds_total") && rest.contains("container_oom_events_total"),
                "the REST view (and the SSE feed, from the same store) carries them: " + rest);
    }
}
