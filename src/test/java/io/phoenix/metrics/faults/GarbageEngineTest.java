package io.phoenix.metrics.faults;

import io.phoenix.metrics.faults.FakeEngine.Fault;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fake engine beside the real Docker: truncated JSON, wrong types, missing fields, non-JSON, HTTP 500, a hung
 * stream and an event stream that stops mid-object are each counted against the fake endpoint; nothing crashes;
 * the fake's healthy container and Docker's containers keep their numbers.
 */
@Tag("engine")
@QuarkusTest
@TestProfile(GarbageEngineTest.Profile.class)
class GarbageEngineTest {

    static final Path SOCKET = Path.of("/tmp", "phx-fake-engine-" + ProcessHandle.current().pid() + ".sock");
    static final String FAKE = "unix://" + SOCKET;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The API source: the faults are in the fake's stats streams, which the cgroup source would not read.
            return Map.of("metrics.runtimes", Engine.DOCKER.uri() + "," + FAKE, "metrics.stats.stale-after", "2s",
                    "metrics.source", "api");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Serve.class));
        }
    }

    public static class Serve implements QuarkusTestResourceLifecycleManager {
        private FakeEngine engine;

        @Override
        public Map<String, String> start() {
            try {
                engine = new FakeEngine(SOCKET);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of();
        }

        @Override
        public void stop() {
            engine.close();
        }
    }

    private static double errors(String text, String kind) {
        return errors(text, FAKE, kind);
    }

    private static double errors(String text, String endpoint, String kind) {
        Matcher m = Pattern.compile("phoenix_runtime_errors_total\\{endpoint=\"" + Pattern.quote(endpoint) + "\",kind=\"" + kind
                + "\",?} ([0-9.E]+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void everyFaultIsCountedOnTheFakeEndpointAndNothingElseSuffers() {
        Engine.DOCKER.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String real = EngineFixture.uniqueName("beside-fake");
            docker.run(real, "sleep", "300");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // Throughout, /metrics answers; wait for the counts to show every fault at least once.
            await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Scrape scrape = Scrape.now();
                // truncated, wrong types, missing fields, not JSON, HTTP 500, events cut mid-object: protocol errors;
                // the hung stream: unavailable (nothing for 2 s).
                return errors(scrape.text(), "protocol") >= 6 && errors(scrape.text(), "unavailable") >= 1;
            });
            assertTrue(System.nanoTime() < deadline, "within 20 s");

            Scrape scrape = Scrape.now();
            assertTrue(scrape.value("container_cpu_usage_seconds_total", FakeEngine.name(Fault.GOOD)).isPresent(),
                    "the fake's healthy container keeps its numbers");
            assertTrue(scrape.value("container_cpu_usage_seconds_total", real).isPresent(), "Docker's containers keep theirs");
            for (Fault broken : List.of(Fault.TRUNCATED, Fault.WRONG_TYPES, Fault.MISSING_FIELDS, Fault.NOT_JSON, Fault.HTTP_500, Fault.HANGS)) {
                assertTrue(scrape.value("container_cpu_usage_seconds_total", FakeEngine.name(broken)).isEmpty(),
                        "no made-up numbers for " + broken);
                assertEquals(1.0, scrape.value("container_status", FakeEngine.name(broken)).orElseThrow(),
                        "the container itself is still known (lifecycle from inspect, asked again after a failed one)");
            }
            List<Map<String, Object>> runtimes = given().get("/api/runtimes").then().statusCode(200).extract().path("runtimes");
            Map<String, Object> fake = runtimes.stream().filter(r -> FAKE.equals(r.get("socket"))).findFirst().orElseThrow();
            assertTrue(String.valueOf(fake.get("lastError")).length() > 0);
            Map<String, Object> dockerStatus = runtimes.stream().filter(r -> Engine.DOCKER.uri().equals(r.get("socket"))).findFirst().orElseThrow();
            assertEquals("up", dockerStatus.get("state"));
            assertEquals(0.0, errors(scrape.text(), Engine.DOCKER.uri(), "protocol"), "the fake's garbage is not put on Docker's account");
        }
    }
}
