package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.PrometheusServer;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent pushing to a real Prometheus 2.42 with its remote-write receiver on, on loopback: what arrives is what
 * /metrics shows (plus the external labels), and a 60-second outage of the receiver loses nothing.
 */
@QuarkusTest
@TestProfile(RemoteWriteToPrometheusTest.Pushing.class)
@Tag("engine")
class RemoteWriteToPrometheusTest {

    static final long PUSH_MS = 2000;

    public static class Pushing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "metrics.remote-write.push-interval", PUSH_MS + "ms",
                    "metrics.remote-write.external-labels.node", "node-a",
                    "metrics.remote-write.external-labels.site", "lab",
                    "metrics.remote-write.max-samples-per-send", "300",
                    "metrics.remote-write.max-backoff", "2s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ReceiverResource.class));
        }
    }

    private static final String CPU = "container_cpu_usage_seconds_total";

    /** Runs a container that burns a little CPU, so its counter moves; returns once /metrics shows it. */
    private static String busyContainer(EngineFixture docker, String purpose) {
        String name = EngineFixture.uniqueName(purpose);
        docker.run(name, "sh", "-c", "while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.2; done");
        await().atMost(Duration.ofSeconds(20)).until(() -> Scrape.now().value(CPU, name).isPresent());
        return name;
    }

    /** Every raw sample the receiver holds for one series over the window: timestamp ms → value. */
    static TreeMap<Long, Double> stored(PrometheusServer receiver, String selector, String window) {
        TreeMap<Long, Double> samples = new TreeMap<>();
        JsonArray result = receiver.query(selector + "[" + window + "]");
        assertTrue(result.size() <= 1, selector + ": " + result.encode());
        if (result.size() == 1) {
            for (Object each : result.getJsonObject(0).getJsonArray("values")) {
                JsonArray pair = (JsonArray) each;
                samples.put(Math.round(((Number) pair.getValue(0)).doubleValue() * 1000), Double.parseDouble(pair.getString(1)));
            }
        }
        return samples;
    }

    /** The container's CPU counter with the time the agent read it, from the REST API's line format. */
    private static Exposed reading(String name) {
        String lines = given().queryParam("format", "prometheus").get("/api/containers/{ref}/metrics", name)
                .then().statusCode(200).extract().asString();
        return Exposed.parse(lines).stream().filter(e -> e.name().equals(CPU)).findFirst().orElseThrow();
    }

    private static JsonPath output() {
        return given().get("/api/outputs").then().statusCode(200).extract().jsonPath().setRootPath("outputs[0]");
    }

    @Test
    void pushedSeriesArriveWithTheValuesAndLabelsOfMetrics() throws Exception {
        PrometheusServer receiver = ReceiverResource.receiver;
        dockerUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = busyContainer(docker, "rw");
            List<Exposed> readings = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                readings.add(reading(name));
                Thread.sleep(700);
            }
            String selector = CPU + "{container_name=\"" + name + "\"}";
            // Pushes send the values of their moment, so some readings were pushed and some were overwritten first.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                TreeMap<Long, Double> stored = stored(receiver, selector, "2m");
                return readings.stream().filter(r -> stored.containsKey(r.timestamp())).count() >= 2;
            });
            TreeMap<Long, Double> stored = stored(receiver, selector, "2m");
            for (Exposed r : readings) {
                if (stored.containsKey(r.timestamp())) {
                    assertEquals(r.value(), stored.get(r.timestamp()), "value at " + r.timestamp());
                }
            }
            assertTrue(stored.firstEntry().getValue() < stored.lastEntry().getValue(), "the counter moved: " + stored);

            List<Exposed> page = Exposed.parse(Scrape.now().text());
            for (String family : List.of(CPU, "container_info", "container_memory_usage_bytes", "container_status")) {
                Exposed onPage = page.stream().filter(e -> e.name().equals(family) && name.equals(e.labels().get("container_name")))
                        .findFirst().orElseThrow(() -> new AssertionError(family + " not on /metrics"));
                Map<String, Object> expected = new HashMap<>();
                onPage.labels().forEach((k, v) -> {
                    if (!v.isEmpty()) {
                        expected.put(k, v);
                    }
                });
                expected.put("__name__", family);
                expected.put("node", "node-a");
                expected.put("site", "lab");
                JsonObject pushed = receiver.single(family + "{container_name=\"" + name + "\"}");
                assertEquals(expected, pushed.getJsonObject("metric").getMap(), family);
            }
            assertEquals(1, receiver.query("host_memory_total_bytes{node=\"node-a\",site=\"lab\"}").size());

            JsonPath out = output();
            assertEquals("remote-write", out.getString("kind"));
            assertEquals(receiver.writeUrl(), out.getString("url"));
            assertEquals("up", out.getString("state"));
            assertTrue(out.getLong("samplesSent") > 0);
            assertEquals("node-a", out.getString("externalLabels.node"));
        }
    }

    @Test
    void aSixtySecondOutageLeavesNoGap() throws Exception {
        PrometheusServer receiver = ReceiverResource.receiver;
        dockerUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = busyContainer(docker, "rw-outage");
            String selector = CPU + "{container_name=\"" + name + "\"}";
            await().atMost(Duration.ofSeconds(20)).until(() -> stored(receiver, selector, "1m").size() >= 2);
            double retriedBefore = metric("phoenix_remote_write_samples_retried_total");

            long stoppedAt = System.currentTimeMillis();
            receiver.pause();
            Thread.sleep(60_000);
            JsonPath away = output();
            assertEquals("retrying", away.getString("state"));
            assertTrue(away.getLong("samplesPending") > 0);
            assertTrue(away.getDouble("oldestPendingSampleAgeSeconds") >= 50, "oldest pending " + away.getDouble("oldestPendingSampleAgeSeconds"));
            receiver.restart();
            long restartedAt = System.currentTimeMillis();

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonPath out = output();
                return "up".equals(out.getString("state")) && out.getDouble("oldestPendingSampleAgeSeconds") < 5
                        && Instant.parse(out.getString("lastSuccessAt")).toEpochMilli() > restartedAt;
            });
            TreeMap<Long, Double> stored = stored(receiver, selector, "3m");
            List<Long> outage = new ArrayList<>(stored.subMap(stoppedAt - PUSH_MS, restartedAt + PUSH_MS).keySet());
            // From before the stop to the restart: the newest sample may be read just before restart() returned.
            assertTrue(outage.get(0) <= stoppedAt && outage.get(outage.size() - 1) >= restartedAt - PUSH_MS,
                    stoppedAt + ".." + restartedAt + ": " + outage);
            // Samples come every second and pushes every two: each push interval has its own sample.
            for (int i = 1; i < outage.size(); i++) {
                long gap = outage.get(i) - outage.get(i - 1);
                assertTrue(gap <= PUSH_MS + 1000, "gap of " + gap + " ms at " + outage.get(i - 1) + " in " + outage);
            }
            assertTrue(outage.size() >= (restartedAt - stoppedAt) / PUSH_MS, outage.size() + " samples");

            assertEquals(0.0, metric("phoenix_remote_write_samples_dropped_total{reason=\"overflow\"}"));
            assertEquals(0.0, metric("phoenix_remote_write_samples_dropped_total{reason=\"expired\"}"));
            assertEquals(0.0, metric("phoenix_remote_write_samples_failed_total"));
            assertTrue(metric("phoenix_remote_write_samples_retried_total") > retriedBefore);
            // The receiver took every late batch: nothing out of order or out of bounds.
            receiver.selfMetrics().forEach((series, value) -> {
                if (series.startsWith("prometheus_tsdb_out_of_order_samples_total")
                        || series.startsWith("prometheus_tsdb_out_of_bound_samples_total")) {
                    assertEquals(0.0, value, series);
                }
            });
        }
    }

    private static double metric(String series) {
        return Exposed.parse(Scrape.now().text()).stream()
                .filter(e -> series.equals(e.name()) || series.startsWith(e.name() + "{") && series.equals(key(e)))
                .mapToDouble(Exposed::value).findFirst().orElseThrow(() -> new AssertionError(series + " not on /metrics"));
    }

    private static String key(Exposed e) {
        StringBuilder key = new StringBuilder(e.name()).append('{');
        e.labels().forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    /** Engine.awaitUp with room for a loaded machine: start-up may take a minute while six suites share 2 cores. */
    static void dockerUp() {
        await().atMost(Duration.ofSeconds(120)).until(() -> given().get("/api/runtimes").then().extract()
                .<List<Map<String, Object>>>path("runtimes").stream()
                .anyMatch(r -> Engine.DOCKER.uri().equals(r.get("socket")) && "up".equals(r.get("state"))));
    }
}
