package io.phoenix.metrics.oom;

import io.phoenix.metrics.testing.Engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Engine.awaitUp with more patience: on the shared 2-core machines, with other suites running, the agent's first
 * connection (and Podman's /version) can take well over its 30 s.
 */
final class SlowHost {

    private SlowHost() {
    }

    static void awaitUp(Engine engine) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> given()
                .get("/api/runtimes").then().extract().<List<Map<String, Object>>>path("runtimes").stream()
                .anyMatch(r -> engine.uri().equals(r.get("socket")) && "up".equals(r.get("state"))));
    }
}
