package io.phoenix.metrics.live;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.phoenix.metrics.testing.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSE endpoints against real containers. The collection interval is 1 s here. */
@Tag("engine")
@QuarkusTest
class LiveStreamTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void metricsEventsArriveWithinOneIntervalAndFiltersApply() throws Exception {
        Engine.DOCKER.awaitUp();
        Engine.PODMAN.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); EngineFixture podman = new EngineFixture(Engine.PODMAN)) {
            String name = EngineFixture.uniqueName("sse");
            docker.run(name, "sleep", "300");
            String other = EngineFixture.uniqueName("sse-p");
            podman.run(other, "sleep", "300");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                given().get("/api/containers/{n}", other).then().statusCode(200);
                given().get("/api/containers/{n}", name).then().statusCode(200);
            });

            long subscribed = System.nanoTime();
            try (SseClient sse = new SseClient(root + "api/stream?runtime=docker&name=" + EngineFixture.RUN_ID + "-sse-*"
                    + "&metrics=container_status,container_memory")) {
                assertEquals(200, sse.status);
                SseClient.Event first = sse.next("metrics", name, Duration.ofMillis(1500));
                assertNotNull(first, "a metrics event within one interval (1 s, plus scheduling slack)");
                System.out.printf("first SSE event after %d ms%n", (System.nanoTime() - subscribed) / 1_000_000);

                List<String> seenNames = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    SseClient.Event e = sse.next(Duration.ofSeconds(2));
                    assertNotNull(e);
                    seenNames.add(e.data().getString("name"));
                    assertEquals("docker", e.data().getString("runtime"));
                    for (Object m : e.data().getJsonArray("metrics")) {
                        String metric = ((JsonObject) m).getString("name");
                        assertTrue(metric.startsWith("container_status") || metric.startsWith("container_memory"), metric);
                    }
                }
                assertTrue(seenNames.stream().allMatch(n -> n.startsWith(EngineFixture.RUN_ID + "-sse-")), seenNames.toString());
                assertTrue(!seenNames.contains(other), "podman container filtered out");
            }
        }
    }

    @Test
    void startAndRemovalAreEvents() throws Exception {
        Engine.PODMAN.awaitUp();
        try (EngineFixture podman = new EngineFixture(Engine.PODMAN);
             SseClient sse = new SseClient(root + "api/stream?runtime=podman")) {
            String name = EngineFixture.uniqueName("life");
            String id = podman.run(name, "sleep", "300");
            SseClient.Event started = sse.next("container-started", name, Duration.ofSeconds(5));
            assertNotNull(started);
            assertEquals(id, started.data().getString("id"));
            podman.remove(id);
            assertNotNull(sse.next("container-removed", name, Duration.ofSeconds(5)));
        }
    }

    @Test
    void oneContainersStream() throws Exception {
        Engine.DOCKER.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = EngineFixture.uniqueName("one");
            String id = docker.run(name, "sleep", "300");
            await().atMost(Duration.ofSeconds(5)).until(() -> given().get("/api/containers/{n}", name).statusCode() == 200);
            try (SseClient sse = new SseClient(root + "api/containers/" + name + "/stream")) {
                for (int i = 0; i < 3; i++) {
                    SseClient.Event e = sse.next(Duration.ofSeconds(2));
                    assertNotNull(e);
                    assertEquals(id, e.data().getString("id"));
                }
            }
            given().get("/api/containers/no-such/stream").then().statusCode(404);
            given().get("/api/stream?runtime=lxc").then().statusCode(400);
        }
    }

    /** The compact stream: current state first, then values that decode to what /metrics says; removal by number. */
    @Test
    void compactStreamDeclaresOnceThenSendsNumbers() throws Exception {
        Engine.DOCKER.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = EngineFixture.uniqueName("compact");
            String id = docker.run(name, "sleep", "300");
            await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.now().value("container_memory_usage_bytes", name).isPresent());
            // A young container's series still grow for a pass or two (the OOM collector's memory families come after
            // the first sample): subscribe once two scrapes a pass apart show the same set, so the hello's layout holds.
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(1200)).until(() -> {
                long count = Scrape.now().text().lines().filter(l -> l.contains("name=\"" + name + "\"")).count();
                return count == seen.getAndSet(count);
            });
            try (SseClient sse = new SseClient(root + "api/stream?format=compact&name=" + name + "&metrics=container_memory_,container_status")) {
                SseClient.Event hello = sse.next(Duration.ofSeconds(3));
                assertNotNull(hello);
                assertEquals("hello", hello.name());
                JsonObject state = hello.data();
                JsonObject container = state.getJsonArray("containers").getJsonObject(0);
                assertEquals(1, state.getJsonArray("containers").size(), "the name filter applies");
                assertEquals(id, container.getString("id"));
                assertEquals(name, container.getJsonObject("common").getString("container_name"));
                java.util.Map<Integer, String> families = new java.util.HashMap<>();
                state.getJsonArray("families").forEach(f -> families.put(((JsonArray) f).getInteger(0), ((JsonArray) f).getString(1)));
                List<String> series = container.getJsonArray("series").stream()
                        .map(s -> families.get(((JsonArray) s).getInteger(0))).toList();
                assertTrue(series.contains("container_memory_usage_bytes") && series.contains("container_status"), series.toString());
                assertTrue(series.stream().allMatch(n -> n.startsWith("container_memory_") || n.startsWith("container_status")), series.toString());

                SseClient.Event next = sse.next(Duration.ofSeconds(3));
                while (next != null && !next.name().equals("v")) {
                    next = sse.next(Duration.ofSeconds(3));
                }
                assertNotNull(next, "values within an interval");
                JsonArray values = next.array();
                assertEquals(container.getInteger("c"), values.getInteger(0));
                assertEquals(container.getInteger("l"), values.getInteger(1));
                assertEquals(series.size(), values.size() - 3, "one number per declared series");
                double memory = values.getDouble(3 + series.indexOf("container_memory_usage_bytes"));
                double agent = Scrape.now().value("container_memory_usage_bytes", name).orElseThrow();
                assertTrue(memory > 0 && memory / agent > 0.5 && memory / agent < 2, "stream " + memory + ", /metrics " + agent);
                assertEquals(1.0, values.getDouble(3 + series.indexOf("container_status")), "running");

                docker.remove(id);
                SseClient.Event removed = sse.next(Duration.ofSeconds(5));
                while (removed != null && !removed.name().equals("removed")) {
                    removed = sse.next(Duration.ofSeconds(5));
                }
                assertNotNull(removed);
                assertEquals(container.getInteger("c"), removed.data().getInteger("c"));
            }
            given().get("/api/stream?format=xml").then().statusCode(400);
        }
    }
}
