package io.phoenix.metrics.discovery;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configured socket that is not there (a DaemonSet's path on a node without that runtime): reported once as
 * missing, then only looked for, at the reconnect cadence, until it appears. No request and no gRPC meanwhile.
 */
@QuarkusTest
@TestProfile(MissingSocketTest.Profile.class)
class MissingSocketTest {

    static final Path SOCKET = Path.of("/tmp", "phx-missing-" + ProcessHandle.current().pid() + ".sock");
    private static final String STATE = "runtimes[0].state";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.runtimes", "unix://" + SOCKET, "metrics.autodetect", "false");
        }
    }

    private Vertx server;

    /** Every failed request to the endpoint, of any kind (unavailable, circuit open). */
    private static double failedRequests() {
        return given().get("/metrics").then().extract().asString().lines()
                .filter(line -> line.startsWith("phoenix_runtime_errors_total{") && line.contains("unix://" + SOCKET))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(SOCKET);
    }

    @Test
    void aMissingSocketIsReportedOnceAndUsedWhenItAppears() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/runtimes").then()
                .body(STATE, equalTo("unavailable"))
                .body("runtimes[0].lastError", containsString("does not exist")));
        double failedBefore = failedRequests();

        // Retries come every 2 s at most here: three of them, and not one request made.
        Thread.sleep(6_000);
        assertEquals(failedBefore, failedRequests(), "a missing socket was asked again instead of looked for");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("grpc-")),
                "gRPC was started for a socket that is not there");

        // Something appears at the path and answers, though not as an engine: it is asked within seconds.
        server = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        server.createHttpServer().requestHandler(request -> request.response().putHeader("content-type", "text/html")
                        .end("<html><body>502 Bad Gateway</body></html>"))
                .listen(SocketAddress.domainSocketAddress(SOCKET.toString())).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/api/runtimes").then()
                .body(STATE, equalTo("failing"))
                .body("runtimes[0].lastError", containsString("not JSON")));
    }
}
