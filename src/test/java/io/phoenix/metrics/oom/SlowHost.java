package io.phoenix.metrics.oom;

import io.phoenix.metrics.testing.Engine;
import io.quarkus.test.junit.QuarkusTestProfile;

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

    /** The default source, with a request timeout that a loaded Podman (whose /version then takes 5-15 s) meets. */
    public static class Patient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.discovery.request-timeout", "30s");
        }
    }

    /** The same through the engines' stats streams. */
    public static class PatientApiSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.discovery.request-timeout", "30s", "metrics.source", "api");
        }
    }

    static void awaitUp(Engine engine) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> given()
                .get("/api/runtimes").then().extract().<List<Map<String, Object>>>path("runtimes").stream()
                .anyMatch(r -> engine.uri().equals(r.get("socket")) && "up".equals(r.get("state"))));
    }
}
