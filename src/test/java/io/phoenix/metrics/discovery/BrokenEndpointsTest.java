package io.phoenix.metrics.discovery;

import io.phoenix.metrics.testing.Engine;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Endpoints a real engine cannot imitate: one that answers HTML instead of JSON, and a stale socket file with
 * nobody listening (an engine killed with -9). Each is reported as such while the real Docker beside them works.
 */
@Tag("engine")
@QuarkusTest
@TestProfile(BrokenEndpointsTest.Profile.class)
class BrokenEndpointsTest {

    static final Path GARBAGE = Path.of("/tmp", "phx-garbage-" + ProcessHandle.current().pid() + ".sock");
    static final Path STALE = Path.of("/tmp", "phx-stale-" + ProcessHandle.current().pid() + ".sock");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.runtimes", String.join(",", Engine.DOCKER.uri(), "unix://" + GARBAGE, "unix://" + STALE));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeSockets.class));
        }
    }

    /** Serves HTML on every path, like a misconfigured proxy would; and leaves a bound but unlistened socket. */
    public static class FakeSockets implements QuarkusTestResourceLifecycleManager {
        private Vertx vertx;
        private ServerSocketChannel stale;

        @Override
        public Map<String, String> start() {
            try {
                Files.deleteIfExists(GARBAGE);
                Files.deleteIfExists(STALE);
                vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
                HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response()
                        .putHeader("content-type", "text/html").end("<html><body>502 Bad Gateway</body></html>"));
                server.listen(SocketAddress.domainSocketAddress(GARBAGE.toString())).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                stale.bind(UnixDomainSocketAddress.of(STALE));
                stale.close(); // the file stays, nobody accepts: connect() is refused
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
            vertx.close();
            try {
                Files.deleteIfExists(GARBAGE);
                Files.deleteIfExists(STALE);
            } catch (IOException ignored) {
                // temp files only
            }
        }
    }

    private static String path(Path socket, String field) {
        return "runtimes.find { it.socket == 'unix://" + socket + "' }." + field;
    }

    @Test
    void garbageIsFailingAStaleSocketIsUnavailableAndDockerIsUp() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/runtimes").then()
                .body("reachable", equalTo(1))
                .body(path(Engine.DOCKER.socket(), "state"), equalTo("up"))
                .body(path(GARBAGE, "state"), equalTo("failing"))
                .body(path(STALE, "state"), equalTo("unavailable")));
        given().get("/api/runtimes").then()
                .body(path(GARBAGE, "lastError"), containsString("not JSON"))
                .body(path(STALE, "lastError"), containsString("connection refused"));
    }
}
