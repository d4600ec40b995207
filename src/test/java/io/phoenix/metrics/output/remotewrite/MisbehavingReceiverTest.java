package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver that refuses everything, one that asks to wait (429, Retry-After), one that never answers: refused
 * batches are dropped and counted, never retried; Retry-After is honoured; a hung receiver only fills the agent's
 * buffer up to its cap, the overflow is counted, and /metrics is served all along.
 */
@QuarkusTest
@TestProfile(MisbehavingReceiverTest.SmallBuffer.class)
@Tag("engine")
class MisbehavingReceiverTest {

    static final long CAP = 8192;

    public static class SmallBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "metrics.remote-write.push-interval", "200ms",
                    "metrics.remote-write.buffer-bytes", String.valueOf(CAP),
                    "metrics.remote-write.max-samples-per-send", "100",
                    "metrics.remote-write.timeout", "1s",
                    "metrics.remote-write.min-backoff", "50ms",
                    "metrics.remote-write.max-backoff", "500ms",
                    "metrics.remote-write.external-labels.node", "fake-node",
                    "metrics.remote-write.headers.X-Scope-OrgID", "tenant-7");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeReceiverResource.class));
        }
    }

    /** One of the agent's own series on /metrics; {@code labels} as {@code k="v"} or empty. */
    private static double metric(String name, String labels) {
        Map<String, String> wanted = labels.isEmpty() ? Map.of()
                : Map.of(labels.substring(0, labels.indexOf('=')), labels.substring(labels.indexOf('=') + 2, labels.length() - 1));
        return Exposed.parse(Scrape.now().text()).stream()
                .filter(e -> e.name().equals(name) && e.labels().equals(wanted))
                .mapToDouble(Exposed::value).findFirst()
                .orElseThrow(() -> new AssertionError(name + wanted + " not on /metrics"));
    }

    private static JsonPath output() {
        return given().get("/api/outputs").then().statusCode(200).extract().jsonPath().setRootPath("outputs[0]");
    }

    @Test
    void refusedDroppedAndCountedBusyWaitedForHungBoundedByTheCap() throws Exception {
        FakeReceiver receiver = FakeReceiverResource.receiver;
        dockerUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = EngineFixture.uniqueName("rw-fake");
            docker.run(name, "sh", "-c", "while :; do sleep 0.1; done");
            await().atMost(Duration.ofSeconds(20)).until(() -> Scrape.now().mentions(name));

            // 400 to everything: each batch sent once, then dropped and counted as failed.
            await().atMost(Duration.ofSeconds(10)).until(() -> metric("phoenix_remote_write_samples_failed_total", "") > 0);
            double retried = metric("phoenix_remote_write_samples_retried_total", "");
            receiver.requests.clear();
            Thread.sleep(2000);
            List<FakeReceiver.Request> refused = List.copyOf(receiver.requests);
            assertTrue(refused.size() >= 2, refused.size() + " requests in 2 s");
            assertEquals(refused.size(), refused.stream().map(r -> Arrays.hashCode(r.body())).distinct().count(), "nothing sent twice");
            assertEquals(retried, metric("phoenix_remote_write_samples_retried_total", ""), "a 400 is not retried");
            JsonPath rejecting = output();
            assertEquals("rejecting", rejecting.getString("state"));
            assertTrue(rejecting.getString("lastError").startsWith("HTTP 400 out of order sample"), rejecting.getString("lastError"));
            assertTrue(rejecting.getLong("samplesPending") <= 200, "refused batches do not pile up");
            assertEquals(0.0, metric("phoenix_remote_write_samples_dropped_total", "reason=\"overflow\""));
            assertTrue(Scrape.now().value("container_cpu_usage_seconds_total", name).isPresent(), "/metrics unaffected");

            FakeReceiver.Request request = refused.get(refused.size() - 1);
            assertEquals("snappy", request.header("Content-Encoding"));
            assertEquals("application/x-protobuf", request.header("Content-Type"));
            assertEquals("0.1.0", request.header("X-Prometheus-Remote-Write-Version"));
            assertTrue(request.header("User-Agent").startsWith("phoenix-metrics-collector/"), request.header("User-Agent"));
            assertEquals("Bearer " + FakeReceiverResource.TOKEN, request.header("Authorization"));
            assertEquals("tenant-7", request.header("X-Scope-OrgID"));
            for (FakeReceiver.Request r : refused) {
                List<IndependentDecoder.Series> series = IndependentDecoder.writeRequest(IndependentDecoder.unsnappy(r.body()));
                assertTrue(!series.isEmpty() && series.size() <= 100, series.size() + " series");
                series.forEach(s -> assertEquals("fake-node", s.labels().get("node")));
            }

            // 429 with Retry-After: 1: the same batch again, but not before a second (the backoff alone would be 50-500 ms).
            // While a batch waits for its retry it may be dropped to make room (the cap here is 8 KiB, and every
            // container on the host is pushed): then the next request is the next-oldest batch, and the drop is counted.
            double overflowBefore = metric("phoenix_remote_write_samples_dropped_total", "reason=\"overflow\"");
            receiver.mode = FakeReceiver.Mode.BUSY;
            receiver.requests.clear();
            Thread.sleep(4500);
            List<FakeReceiver.Request> busy = List.copyOf(receiver.requests);
            boolean overflowed = metric("phoenix_remote_write_samples_dropped_total", "reason=\"overflow\"") > overflowBefore;
            assertTrue(busy.size() >= 2 && busy.size() <= 6, busy.size() + " requests in 4.5 s");
            for (int i = 1; i < busy.size(); i++) {
                long gapMs = (busy.get(i).arrivedAtNanos() - busy.get(i - 1).arrivedAtNanos()) / 1_000_000;
                assertTrue(gapMs >= 900, "retried after " + gapMs + " ms");
                assertTrue(overflowed || Arrays.equals(busy.get(0).body(), busy.get(i).body()),
                        "the oldest batch again, in order (no overflow drop in the window)");
            }
            assertTrue(metric("phoenix_remote_write_samples_retried_total", "") > retried);
            assertEquals("retrying", output().getString("state"));

            // Never answers: the buffer fills to its cap and no further; what does not fit is counted.
            receiver.mode = FakeReceiver.Mode.HANG;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonPath out = output();
                assertTrue(out.getLong("bytesPending") <= CAP, "pending " + out.getLong("bytesPending"));
                long start = System.nanoTime();
                double gauge = metric("phoenix_remote_write_pending_bytes", "");
                assertTrue((System.nanoTime() - start) / 1_000_000 < 3000, "/metrics answers while the receiver hangs");
                assertTrue(gauge <= CAP, "gauge " + gauge);
                return metric("phoenix_remote_write_samples_dropped_total", "reason=\"overflow\"") > 0;
            });
            JsonPath full = output();
            assertTrue(full.getLong("bytesPending") > CAP / 2, "filled: " + full.getLong("bytesPending"));
            assertTrue(full.getLong("samplesDropped.overflow") > 0);
            assertTrue(Scrape.now().value("container_cpu_usage_seconds_total", name).isPresent());
        }
    }

    /** Engine.awaitUp with room for a loaded machine: start-up may take a minute while six suites share 2 cores. */
    static void dockerUp() {
        await().atMost(Duration.ofSeconds(120)).until(() -> given().get("/api/runtimes").then().extract()
                .<List<Map<String, Object>>>path("runtimes").stream()
                .anyMatch(r -> Engine.DOCKER.uri().equals(r.get("socket")) && "up".equals(r.get("state"))));
    }
}
