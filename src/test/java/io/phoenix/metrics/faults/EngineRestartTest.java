package io.phoenix.metrics.faults;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.OpenFiles;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Docker daemon and Podman service are stopped under the running agent and started again. Throughout,
 * /metrics answers 200; the endpoints go unavailable with their circuits open; within 10 s of the engines' return
 * the agent is back on its own, its stats streams re-opened, and it holds no more file descriptors than before.
 */
@Tag("engine")
@QuarkusTest
@TestProfile(EngineRestartTest.QuickCircuit.class)
class EngineRestartTest {

    /** Open the circuit after two failed probes, so the test sees it open while the engines are down. */
    public static class QuickCircuit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The API source, so that the stats streams are what must come back.
            return Map.of("metrics.runtimes", Engine.DOCKER.uri() + "," + Engine.PODMAN.uri(), "metrics.source", "api",
                    "metrics.fault-tolerance.circuit-volume", "2", "metrics.fault-tolerance.circuit-failure-ratio", "1.0",
                    "metrics.discovery.keep-alive", "5s");
        }
    }

    private static Map<String, Object> runtime(Engine engine) {
        List<Map<String, Object>> runtimes = given().get("/api/runtimes").then().statusCode(200).extract().path("runtimes");
        return runtimes.stream().filter(r -> engine.uri().equals(r.get("socket"))).findFirst().orElseThrow();
    }

    /** The agent's descriptors, less the loopback HTTP connections of this test's own clients. */
    private static OpenFiles openFiles() {
        return OpenFiles.now().without(RestAssured.port);
    }

    private static void stop(String daemon) throws Exception {
        Path pidfile = Engine.runtimeDir().resolve(daemon + ".pid");
        long pid = Long.parseLong(Files.readString(pidfile).trim());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(daemon + " not running"));
        process.destroy();
        process.onExit().get(90, TimeUnit.SECONDS);
    }

    private static void startEngines() throws Exception {
        Process up = new ProcessBuilder("bash", "scripts/runtimes.sh", "up").inheritIO().start();
        assertTrue(up.waitFor(180, TimeUnit.SECONDS) && up.exitValue() == 0, "scripts/runtimes.sh up");
    }

    @Test
    void agentRidesOutEngineRestarts() throws Exception {
        Engine.DOCKER.awaitUp();
        Engine.PODMAN.awaitUp();
        EngineFixture docker = new EngineFixture(Engine.DOCKER);
        EngineFixture podman = new EngineFixture(Engine.PODMAN);
        String onDocker = EngineFixture.uniqueName("survivor-d");
        String onPodman = EngineFixture.uniqueName("survivor-p");
        docker.start(docker.create(onDocker, new JsonObject().put("RestartPolicy", new JsonObject().put("Name", "always")), "sleep", "600"));
        podman.run(onPodman, "sleep", "600");
        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_cpu_usage_seconds_total", onDocker).isPresent()
                && Scrape.now().value("container_cpu_usage_seconds_total", onPodman).isPresent());

        AtomicInteger scrapes = new AtomicInteger();
        AtomicInteger failedScrapes = new AtomicInteger();
        // One keep-alive connection, every body read: the scraper must not itself hold descriptors we count.
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest metricsRequest = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/metrics")).build();
        http.send(metricsRequest, HttpResponse.BodyHandlers.ofString()); // its selector and connection exist before we count
        OpenFiles filesBefore = openFiles();
        Thread scraper = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
                try {
                    if (http.send(metricsRequest, HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
                        failedScrapes.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failedScrapes.incrementAndGet();
                }
                scrapes.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "scraper");
        scraper.start();
        try {
            stop("podman");
            stop("dockerd");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (Engine engine : Engine.values()) {
                    Map<String, Object> r = runtime(engine);
                    assertEquals("unavailable", r.get("state"), engine.toString());
                    assertEquals("open", r.get("circuit"), engine.toString());
                }
            });
            given().get("/q/health/ready").then().statusCode(503); // not ready without any runtime

            startEngines();
            long back = System.nanoTime();
            double since = System.currentTimeMillis() / 1000.0;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (Engine engine : Engine.values()) {
                    Map<String, Object> r = runtime(engine);
                    assertEquals("up", r.get("state"), engine.toString());
                    assertEquals("closed", r.get("circuit"), engine.toString());
                }
                Scrape scrape = Scrape.now();
                // Fresh samples after the return: the streams were re-opened (Docker restarted its container).
                assertTrue(scrape.value("container_last_sample_timestamp_seconds", onDocker).orElse(0.0) > since, "docker stream");
                assertTrue(scrape.value("container_last_sample_timestamp_seconds", onPodman).orElse(0.0) > since, "podman stream");
            });
            System.out.printf("recovered %d ms after the engines answered again; %d scrapes, %d failed%n",
                    (System.nanoTime() - back) / 1_000_000, scrapes.get(), failedScrapes.get());
            given().get("/q/health/ready").then().statusCode(200);
        } finally {
            scraper.interrupt();
            scraper.join(5000);
            if (!Engine.DOCKER.socket().toFile().exists() || !Engine.PODMAN.socket().toFile().exists()) {
                startEngines();
            }
            docker.close();
            podman.close();
        }
        assertEquals(0, failedScrapes.get(), "/metrics answered 200 throughout (" + scrapes.get() + " scrapes)");
        // Idle keep-alive connections to the engines close after metrics.discovery.keep-alive (5 s here), so a
        // settled agent holds what it held before: its event and stats streams and a few pooled connections. The
        // fixtures' removals just above start a last burst of inspects, whose connections need their own idle time:
        // a leak never settles, so a generous bound costs time only when something is wrong. This test's own HTTP
        // connections to the agent (both ends live in this JVM until the client library's are collected) are not
        // the agent's and are left out.
        AtomicReference<OpenFiles> filesAfter = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).until(() -> {
                filesAfter.set(openFiles());
                return filesAfter.get().size() <= filesBefore.size() + 3;
            });
        } catch (ConditionTimeoutException e) {
            // fall through to the assertion, which says what is left open
        }
        System.out.printf("open files: %d before, %d after; new: %s%n", filesBefore.size(), filesAfter.get().size(),
                filesAfter.get().newSince(filesBefore));
        assertTrue(filesAfter.get().size() <= filesBefore.size() + 3, "no leaked descriptors: " + filesBefore.size() + " -> "
                + filesAfter.get().size() + "; opened since and still open: " + filesAfter.get().newSince(filesBefore));
    }
}
