package io.phoenix.metrics.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** The two real engines scripts/runtimes.sh starts for the tests, and the image each has imported. */
public enum Engine {
    DOCKER("docker.sock", "busybox:local"),
    PODMAN("podman.sock", "localhost/busybox:latest");

    private final String socketName;
    private final String image;

    Engine(String socketName, String image) {
        this.socketName = socketName;
        this.image = image;
    }

    public static Path runtimeDir() {
        String dir = System.getenv("PHOENIX_RUNTIME_DIR");
        return Path.of(dir == null || dir.isBlank() ? "/tmp/phoenix-runtimes" : dir);
    }

    public Path socket() {
        return runtimeDir().resolve(socketName);
    }

    public String uri() {
        return "unix://" + socket();
    }

    public String image() {
        return image;
    }

    public String label() {
        return name().toLowerCase();
    }

    /**
     * Waits until the agent under test reports this engine up (it connects asynchronously after start-up). Patient:
     * on a loaded 2-core machine the first connection, and Podman's /version, can take well over 30 s.
     */
    public void awaitUp() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> given()
                .get("/api/runtimes").then().extract().<List<Map<String, Object>>>path("runtimes").stream()
                .anyMatch(r -> uri().equals(r.get("socket")) && "up".equals(r.get("state"))));
    }
}
