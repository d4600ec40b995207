package io.phoenix.metrics.cri;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.cri.CriProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CRI containerd of this test's own (never the shared one) stopped and started under the agent, and a socket
 * that answers neither HTTP nor gRPC.
 */
@QuarkusTest
@TestProfile(CriProfile.class)
@Tag("engine")
class CriEndpointFaultsTest {

    private static final String OWN = "unix://" + CriProfile.OWN_CRI;
    private static final Path PIDFILE = Engine.runtimeDir().resolve(CriProfile.OWN_NAME + ".pid");

    @BeforeAll
    static void startOwnContainerd() throws Exception {
        script("cri-up", CriProfile.OWN_NAME, CriProfile.OWN_DIR.toString());
    }

    @AfterAll
    static void removeOwnContainerd() throws Exception {
        stopOwn();
        new ProcessBuilder("rm", "-rf", CriProfile.OWN_DIR.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        Files.deleteIfExists(Engine.runtimeDir().resolve(CriProfile.OWN_NAME + ".log"));
    }

    @Test
    void containerdStoppedAndStartedUnderTheAgentIsMarkedDownAndComesBack() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals("up", state(OWN), CriOnRealContainerdTest.runtime(OWN).toString()));
        assertEquals("containerd", CriOnRealContainerdTest.runtime(OWN).get("runtime"));

        stopOwn();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            given().get("/metrics").then().statusCode(200); // keeps answering throughout
            assertEquals("unavailable", state(OWN), CriOnRealContainerdTest.runtime(OWN).toString());
        });
        assertEquals("up", state(Engine.DOCKER.uri()), "another endpoint was affected");
        given().get("/metrics").then().statusCode(200);

        script("cri-up", CriProfile.OWN_NAME, CriProfile.OWN_DIR.toString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals("up", state(OWN), CriOnRealContainerdTest.runtime(OWN).toString()));
    }

    @Test
    void aSocketAnsweringNeitherHttpNorGrpcIsAnUnknownRuntimeNotACrash() {
        String garbage = "unix://" + CriProfile.GARBAGE;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals("failing", state(garbage),
                CriOnRealContainerdTest.runtime(garbage).toString()));
        Map<String, Object> status = CriOnRealContainerdTest.runtime(garbage);
        assertEquals("unknown", status.get("runtime"));
        assertTrue(String.valueOf(status.get("lastError")).contains("neither"), String.valueOf(status.get("lastError")));
        given().get("/metrics").then().statusCode(200);
        assertEquals("up", state(Engine.DOCKER.uri()));
    }

    private static String state(String socket) {
        return String.valueOf(CriOnRealContainerdTest.runtime(socket).get("state"));
    }

    private static void stopOwn() throws Exception {
        if (!Files.exists(PIDFILE)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(PIDFILE).trim());
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
        Files.deleteIfExists(PIDFILE);
    }

    private static void script(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = "scripts/runtimes.sh";
        System.arraycopy(args, 0, command, 2, args.length);
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0, "runtimes.sh " + String.join(" ", args));
    }
}
