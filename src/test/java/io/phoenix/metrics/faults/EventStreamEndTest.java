package io.phoenix.metrics.faults;

import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An engine that ends the event stream and stays up, as Podman 4.3 does when it rotates its event log. A container
 * removed meanwhile (its event lost with the stream) is gone within 2 s, and the endpoint never went unavailable:
 * the agent follows again at once and lists. A second end soon after is treated as an outage, and the agent is
 * back by itself.
 */
@QuarkusTest
@TestProfile(EventStreamEndTest.Profile.class)
class EventStreamEndTest {

    static final Path SOCKET = Path.of("/tmp", "phx-rotating-engine-" + ProcessHandle.current().pid() + ".sock");
    static final String ENGINE = "unix://" + SOCKET;
    static final String KEPT = "a".repeat(64);
    static final String GONE = "b".repeat(64);
    static RotatingEngine engine;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.runtimes", ENGINE, "metrics.source", "api", "metrics.discovery.resync-interval", "10m");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Serve.class));
        }
    }

    public static class Serve implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            engine = new RotatingEngine(SOCKET);
            return Map.of();
        }

        @Override
        public void stop() {
            engine.vertx.close();
        }
    }

    /** Two containers, an event stream the test ends, nothing else. */
    static final class RotatingEngine {
        final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        final Set<String> containers = ConcurrentHashMap.newKeySet();
        final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
        final AtomicInteger subscriptions = new AtomicInteger();

        RotatingEngine(Path socket) {
            try {
                Files.deleteIfExists(socket);
                containers.addAll(List.of(KEPT, GONE));
                vertx.createHttpServer().requestHandler(this::handle).listen(SocketAddress.domainSocketAddress(socket.toString()))
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Ends the streams open now, and only those: the agent follows again within a millisecond, and its new stream
         * must neither be ended with them nor forgotten unended.
         */
        void endEvents() {
            List<HttpServerResponse> open = List.copyOf(streams);
            streams.removeAll(open);
            open.forEach(HttpServerResponse::end);
        }

        private void handle(HttpServerRequest request) {
            String path = request.path().replaceFirst("^/v[0-9.]+", "");
            HttpServerResponse response = request.response().putHeader("content-type", "application/json");
            if (path.equals("/version")) {
                response.end(new JsonObject().put("Version", "20.10.99-rotating").put("ApiVersion", "1.41")
                        .put("Components", new JsonArray().add(new JsonObject().put("Name", "Engine"))).encode());
            } else if (path.equals("/_ping")) {
                response.end("OK");
            } else if (path.equals("/events")) {
                subscriptions.incrementAndGet();
                streams.add(response.setChunked(true));
                response.write("");
            } else if (path.equals("/containers/json")) {
                JsonArray list = new JsonArray();
                containers.forEach(id -> list.add(new JsonObject().put("Id", id).put("Names", new JsonArray().add("/c-" + id.charAt(0)))
                        .put("State", "running").put("Status", "Up 1 minute")));
                response.end(list.encode());
            } else if (path.matches("/containers/[0-9a-f]{64}/json") && containers.contains(path.split("/")[2])) {
                String id = path.split("/")[2];
                response.end(new JsonObject().put("Id", id).put("Name", "/c-" + id.charAt(0)).put("Created", "2026-11-25T00:00:00Z")
                        .put("RestartCount", 0).put("State", new JsonObject().put("Status", "running").put("ExitCode", 0)
                                .put("StartedAt", "2026-11-25T00:00:01Z").put("FinishedAt", "0001-01-01T00:00:00Z"))
                        .put("Config", new JsonObject().put("Image", "rotating:1").put("Labels", new JsonObject())).encode());
            } else if (path.endsWith("/stats")) {
                response.setChunked(true).write(""); // no numbers needed; the stream stays open
            } else {
                response.setStatusCode(404).end("{\"message\":\"no such container\"}");
            }
        }
    }

    private static String state() {
        List<Map<String, Object>> runtimes = given().get("/api/runtimes").then().statusCode(200).extract().path("runtimes");
        return (String) runtimes.stream().filter(r -> ENGINE.equals(r.get("socket"))).findFirst().orElseThrow().get("state");
    }

    private static boolean listed(String name) {
        return Scrape.now().text().contains("name=\"" + name + "\"");
    }

    @Test
    void anEngineThatEndsTheStreamAndStaysUpIsFollowedAgainAtOnce() {
        await().atMost(Duration.ofSeconds(30)).until(() -> listed("c-a") && listed("c-b") && "up".equals(state()));
        int before = engine.subscriptions.get();

        engine.containers.remove(GONE); // its "destroy" event is lost with the stream
        engine.endEvents();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> !listed("c-b"));
        assertEquals("up", state(), "a clean end of the stream is not an outage");
        assertEquals(before + 1, engine.subscriptions.get(), "followed again once");

        // A second end within seconds: an engine going away, or one that cannot keep a stream; reconnect with backoff.
        engine.endEvents();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.subscriptions.get() == before + 2 && "up".equals(state()));
        assertEquals(true, listed("c-a"));
    }
}
