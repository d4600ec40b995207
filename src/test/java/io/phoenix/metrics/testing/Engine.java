package io.phoenix.metrics.testing;

import java.nio.file.Path;

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

    /** Waits until the agent under test reports this engine up (it connects asynchronously after start-up). */
    public void awaitUp() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> io.restassured.RestAssured.given()
                .get("/api/runtimes").then().extract().<java.util.List<java.util.Map<String, Object>>>path("runtimes").stream()
                .anyMatch(r -> uri().equals(r.get("socket")) && "up".equals(r.get("state"))));
    }
}
