package io.phoenix.metrics.exposition;

import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Prometheus gets for real containers on real Docker and Podman, scraped from /metrics, with the default
 * source (auto: the cgroup files where readable, as on these machines). {@link MetricsFromEngineApisTest} runs the
 * same against the engines' stats streams.
 */
@Tag("engine")
@QuarkusTest
class MetricsOnRealEnginesTest {

    /** "cgroup" or "api", as the agent under test says. */
    static String source() {
        return given().get("/api/runtimes").then().extract().path("source");
    }

    @Inject
    ContainerInventory inventory;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void busyContainerShowsOverHalfACoreWithinFiveSeconds(Engine engine) {
        String name = EngineFixture.uniqueName("busy");
        EngineFixture.forTest(engine).run(name, "sh", "-c", "yes > /dev/null");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> Scrape.now().value("container_cpu_usage_percent", name).orElse(0.0) > 50);
        Scrape scrape = Scrape.now();
        assertTrue(scrape.value("container_cpu_usage_seconds_total", name).orElseThrow() > 0.3);
        assertEquals(1.0, scrape.value("container_status", name).orElseThrow());
        assertTrue(scrape.value("container_uptime_seconds", name).orElseThrow() >= 0);
    }

    /** 64 MiB in tmpfs is charged to the container and cannot be reclaimed: working set, not cache. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void containerHolding64MiB(Engine engine) {
        String name = EngineFixture.uniqueName("mem");
        EngineFixture fixture = EngineFixture.forTest(engine);
        fixture.create(name, new JsonObject().put("ShmSize", 128L << 20).put("Memory", 512L << 20),
                "sh", "-c", "dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 && sleep 300");
        String id = fixture.inspect(name).getString("Id");
        fixture.start(id);
        double sixtyMiB = 60.0 * (1 << 20);
        if (engine == Engine.DOCKER || source().equals("cgroup")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_memory_working_set_bytes", name).orElse(0.0) >= sixtyMiB);
            Scrape scrape = Scrape.now();
            assertEquals(512.0 * (1 << 20), scrape.value("container_memory_limit_bytes", name).orElseThrow());
            double percent = scrape.value("container_memory_usage_percent", name).orElseThrow();
            assertTrue(percent > 11 && percent < 20, "~64 of 512 MiB: " + percent);
            assertTrue(scrape.value("container_memory_headroom_bytes", name).orElseThrow() < 452.0 * (1 << 20),
                    "the example custom collector is picked up as a CDI bean");
        } else {
            // Podman's API reports usage without the page-cache split: usage yes, working set honestly absent.
            assertEquals("api", source());
            await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_memory_usage_bytes", name).orElse(0.0) >= sixtyMiB);
            assertTrue(Scrape.now().value("container_memory_working_set_bytes", name).isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void exitCodeAndStatusOfAnExitedContainer(Engine engine) {
        String name = EngineFixture.uniqueName("exit3");
        EngineFixture.forTest(engine).run(name, "sh", "-c", "exit 3");
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().value("container_exit_code", name).orElse(-1.0) == 3.0);
        Scrape scrape = Scrape.now();
        assertEquals(6.0, scrape.value("container_status", name).orElseThrow(), "6 = exited");
        assertTrue(scrape.value("container_cpu_usage_percent", name).isEmpty(), "no resource series for a stopped container");
        assertTrue(scrape.value("container_uptime_seconds", name).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void restartPolicyRestartsAreCounted(Engine engine) {
        String name = EngineFixture.uniqueName("restart");
        EngineFixture fixture = EngineFixture.forTest(engine);
        fixture.create(name, new JsonObject().put("RestartPolicy", new JsonObject().put("Name", "on-failure").put("MaximumRetryCount", 10)),
                "sh", "-c", "sleep 1; exit 1");
        fixture.start(fixture.inspect(name).getString("Id"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> Scrape.now().value("container_restarts_total", name).orElse(0.0) >= 2);
        int engineSays = fixture.inspect(name).getInteger("RestartCount");
        assertTrue(engineSays >= 2, "the engine agrees: " + engineSays);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void removedContainersSeriesAreGoneWithinTwoSeconds(Engine engine) {
        String name = EngineFixture.uniqueName("gone");
        EngineFixture fixture = EngineFixture.forTest(engine);
        String id = fixture.run(name, "sleep", "300");
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().value("container_cpu_usage_seconds_total", name).isPresent());
        fixture.remove(id);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100)).until(() -> !Scrape.now().mentions(name));
    }

    /** Two containers of the test on a network the test made; the host sends nothing to their addresses. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void networkBytesGrowWhenContainersTalk(Engine engine) {
        EngineFixture f = EngineFixture.forTest(engine);
        String network = EngineFixture.uniqueName("net");
        f.createNetwork(network);
        String server = EngineFixture.uniqueName("srv");
        String serverId = f.create(server, new JsonObject().put("NetworkMode", network),
                "sh", "-c", "mkdir -p /www && dd if=/dev/zero of=/www/blob bs=1k count=256 2>/dev/null && httpd -f -p 8080 -h /www");
        f.start(serverId);
        String address = f.address(serverId, network);
        String client = EngineFixture.uniqueName("cli");
        f.start(f.create(client, new JsonObject().put("NetworkMode", network),
                "sh", "-c", "while true; do wget -q -O /dev/null http://" + address + ":8080/blob; sleep 0.2; done"));

        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().values("container_network_receive_bytes_total", client)
                .stream().mapToDouble(Double::doubleValue).sum() > 256 * 1024);
        double before = Scrape.now().values("container_network_receive_bytes_total", client).stream().mapToDouble(Double::doubleValue).sum();
        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().values("container_network_receive_bytes_total", client)
                .stream().mapToDouble(Double::doubleValue).sum() > before + 256 * 1024);
        assertTrue(Scrape.now().values("container_network_transmit_bytes_total", server).stream().mapToDouble(Double::doubleValue).sum()
                > 256 * 1024, "the server sent what the client received");
    }

    @Test
    void promtoolFindsNoErrorAndNoLintProblemOnOurFamilies() throws Exception {
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); EngineFixture podman = new EngineFixture(Engine.PODMAN)) {
            // Names and labels with characters that need escaping, to prove the escaping end to end.
            String weird = EngineFixture.uniqueName("we.ird_name");
            docker.create(weird, new JsonObject(), "sleep", "300");
            docker.start(docker.inspect(weird).getString("Id"));
            podman.run(EngineFixture.uniqueName("p"), "sleep", "300");
            await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_memory_usage_bytes", weird).isPresent()
                    && Scrape.now().value("container_cpu_usage_percent", weird).isPresent());

            String scrape = Scrape.now().text();
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            try (OutputStream in = promtool.getOutputStream()) {
                in.write(scrape.getBytes(StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            promtool.getInputStream().transferTo(out);
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
            String report = out.toString(StandardCharsets.UTF_8);
            assertFalse(report.contains("error"), report);
            for (String line : report.lines().toList()) {
                assertFalse(line.startsWith("container_") || line.startsWith("host_") || line.startsWith("phoenix_"),
                        "lint problem on our own family: " + line);
            }
            // promtool's exit code is 3 when it finds lint problems, which Micrometer's own JVM families have.
            assertTrue(promtool.exitValue() == 0 || promtool.exitValue() == 3, report);
            for (String family : List.of("container_cpu_usage_percent", "container_memory_usage_bytes", "container_status",
                    "container_info", "host_cpu_usage_percent", "jvm_memory_used_bytes", "phoenix_stats_streams_open")) {
                assertTrue(scrape.contains("# TYPE " + family + " "), "missing family " + family);
                assertTrue(scrape.contains("# HELP " + family + " "), "missing HELP " + family);
            }
        }
    }

    @Test
    void textByDefaultOpenMetricsWhenAsked() {
        String name = EngineFixture.uniqueName("fmt");
        EngineFixture.forTest(Engine.DOCKER).run(name, "sleep", "300");
        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_cpu_usage_seconds_total", name).isPresent());
        given().get("/metrics").then().statusCode(200)
                .header("Content-Type", startsWith("text/plain; version=0.0.4"))
                .body(containsString("# TYPE container_cpu_usage_seconds_total counter"));
        given().accept("application/openmetrics-text; version=1.0.0").get("/metrics").then().statusCode(200)
                .header("Content-Type", startsWith("application/openmetrics-text"))
                .body(containsString("# TYPE container_cpu_usage_seconds counter"))
                .body(containsString("# UNIT container_cpu_usage_seconds seconds"))
                .body(endsWith("# EOF\n"));
        // q-values decide: a client that ranks text first gets text even though it also lists OpenMetrics.
        given().accept("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.9").get("/metrics")
                .then().statusCode(200).header("Content-Type", startsWith("text/plain; version=0.0.4"));
        given().accept("text/plain;q=0.2,application/openmetrics-text;version=1.0.0;q=0.8").get("/metrics")
                .then().statusCode(200).header("Content-Type", startsWith("application/openmetrics-text"));
    }

    @Test
    void aContainersValuesAsJsonAndInTheSeedLineFormat() {
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = EngineFixture.uniqueName("api");
            docker.run(name, "sleep", "300");
            await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().value("container_memory_usage_bytes", name).isPresent());
            given().get("/api/containers/{ref}/metrics", name).then().statusCode(200)
                    .body("name", equalTo(name))
                    .body("metrics.find { it.name == 'container_status' }.value", equalTo(1.0f))
                    .body("metrics.find { it.name == 'container_status' }.labels.container_name", equalTo(name));
            String lines = given().get("/api/containers/{ref}/metrics?format=prometheus", name).then().statusCode(200)
                    .extract().asString();
            assertTrue(lines.lines().anyMatch(l -> l.matches("container_status\\{container_id=\"[0-9a-f]{12}\",container_name=\""
                    + name + "\",image=\"busybox:local\",runtime=\"docker\"} 1 \\d{13}")), lines);
            given().get("/api/containers/{ref}/metrics?format=xml", name).then().statusCode(400);
        }
    }
}
