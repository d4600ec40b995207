package io.phoenix.metrics.exposition;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.PrometheusServer;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /metrics scraped by a real Prometheus server on loopback, with a container on each real engine, in both formats:
 * job "openmetrics" lets Prometheus negotiate (it asks for OpenMetrics 1.0.0 first), job "text" goes through a
 * proxy that asks for the 0.0.4 text format (Prometheus 2.42 of Debian 12 has no {@code scrape_protocols} to force
 * it). What Prometheus stored is compared with what the agent serves and with what the engines were given,
 * including a container label value full of characters that need escaping.
 */
@Tag("engine")
@QuarkusTest
@TestProfile(RealPrometheusScrapeTest.WithNoteLabel.class)
class RealPrometheusScrapeTest {

    static final String NOTE_KEY = "phoenix.test/note";
    static final String NOTE_LABEL = "container_label_phoenix_test_note";
    /** Quotes, backslashes (one right before the closing quote), a line feed, a tab, braces, commas, non-ASCII. */
    static final String NOTE = "say \"hi\", {a=\"b\"}\nC:\\dir\\ \t é ✓ \\";

    public static class WithNoteLabel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.labels.container-labels", NOTE_KEY);
        }
    }

    private static final double MIB = 1 << 20;
    private static final List<String> SCRAPED_JOBS = List.of("openmetrics", "text");
    /**
     * Scrape and storage failures Prometheus counts (all exist in 2.42); each must stay 0. Global, not per job: the
     * control page's duplicate raises none of them (2.42 drops it silently), a same-timestamp sample with a new value
     * or a timestamp going back would.
     */
    private static final List<String> ERROR_COUNTERS = List.of(
            "prometheus_target_scrapes_sample_duplicate_timestamp_total",
            "prometheus_target_scrapes_sample_out_of_order_total",
            "prometheus_target_scrapes_sample_out_of_bounds_total",
            "prometheus_target_scrapes_exceeded_sample_limit_total",
            "prometheus_target_scrapes_exceeded_body_size_limit_total",
            "prometheus_target_scrape_pool_exceeded_label_limits_total",
            "prometheus_tsdb_out_of_order_samples_total",
            "prometheus_tsdb_out_of_bound_samples_total",
            "prometheus_tsdb_too_old_samples_total");

    @Test
    void prometheusStoresWhatTheAgentServesInBothFormats() throws Exception {
        Engine.DOCKER.awaitUp();
        Engine.PODMAN.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); EngineFixture podman = new EngineFixture(Engine.PODMAN)) {
            Map<Engine, String> names = new LinkedHashMap<>();
            for (EngineFixture fixture : List.of(docker, podman)) {
                String name = EngineFixture.uniqueName("prom");
                // 64 MiB in tmpfs is charged to the container: usage at least that, on either source.
                String id = fixture.create(name,
                        new JsonObject().put("ShmSize", 128L << 20).put("Memory", 512L << 20), Map.of(NOTE_KEY, NOTE),
                        "sh", "-c", "dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 && sleep 300");
                fixture.start(id);
                names.put(fixture.engine(), name);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> names.values().stream()
                    .allMatch(name -> Scrape.now().value("container_memory_usage_bytes", name).orElse(0.0) >= 64 * MIB));

            String agent = "http://127.0.0.1:" + RestAssured.port;
            try (ClassicTextProxy proxy = new ClassicTextProxy(agent + "/metrics")) {
                Map<String, URI> jobs = Map.of(
                        "openmetrics", URI.create(agent + "/metrics"),
                        "text", URI.create(proxy.url("/text")),
                        "control", URI.create(proxy.url("/duplicated")));
                try (PrometheusServer prometheus = PrometheusServer.start(jobs)) {
                    try {
                        check(prometheus, jobs, names);
                    } catch (AssertionError | RuntimeException e) {
                        throw new AssertionError(e.getMessage() + "\n--- prometheus log ---\n" + prometheus.log(), e);
                    }
                }
            }
        }
    }

    private static void check(PrometheusServer prometheus, Map<String, URI> jobs, Map<Engine, String> names) {
        // Four scrapes of each job: enough for rate() and for the first scrape's series to settle.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> jobs.keySet().stream()
                .allMatch(job -> prometheus.query("count_over_time(up{job=\"" + job + "\"}[1m]) >= 4").size() == 1));
        for (String job : SCRAPED_JOBS) {
            assertScrapedCleanly(prometheus, job);
            assertEquals(0.0, samplesNotStored(prometheus, job), job + ": every sample of the page is its own series");
            String instance = jobs.get(job).getHost() + ":" + jobs.get(job).getPort();
            names.forEach((engine, name) -> assertContainerStored(prometheus, job, instance, engine, name));
        }
        // The duplicate check can fail: one series written twice on the control page is one sample not stored.
        assertEquals(1.0, samplesNotStored(prometheus, "control"), "a duplicated series is seen");
        assertFormatsParsed(prometheus);
        assertNoErrorCounted(prometheus);
    }

    /** One target per job, up, no error; samples scraped. */
    private static void assertScrapedCleanly(PrometheusServer prometheus, String job) {
        List<JsonObject> targets = prometheus.activeTargets().stream().map(JsonObject.class::cast)
                .filter(t -> job.equals(t.getJsonObject("labels").getString("job"))).toList();
        assertEquals(1, targets.size(), job + ": " + targets);
        assertEquals("up", targets.get(0).getString("health"), job + ": " + targets.get(0));
        assertEquals("", targets.get(0).getString("lastError"), job);
        assertEquals(1.0, PrometheusServer.value(prometheus.single("up{job=\"" + job + "\"}")), job);
        assertTrue(PrometheusServer.value(prometheus.single("scrape_samples_scraped{job=\"" + job + "\"}")) > 0, job);
    }

    /**
     * Samples of the job's last scrape minus the series Prometheus holds from it. Prometheus 2.42 keeps the first of
     * two samples of one series in one scrape and drops the other without a counter or a log line, so duplicates
     * (also two label sets that differ only by an empty label) show only here. Evaluated at that scrape's own
     * timestamp: every series it carried has a sample there, every series it dropped a staleness marker.
     */
    private static double samplesNotStored(PrometheusServer prometheus, String job) {
        JsonObject scraped = prometheus.single("scrape_samples_scraped{job=\"" + job + "\"}");
        String at = BigDecimal.valueOf(((Number) scraped.getJsonArray("value").getValue(0)).doubleValue()).toPlainString();
        JsonArray stored = prometheus.query("count({job=\"" + job + "\",__name__!~\"up|scrape_.+\"})", at);
        assertEquals(1, stored.size(), job + " at " + at);
        return PrometheusServer.value(scraped) - PrometheusServer.value(stored.getJsonObject(0));
    }

    /** The container's series with the labels the agent gives them and values the agent serves. */
    private static void assertContainerStored(PrometheusServer prometheus, String job, String instance, Engine engine, String name) {
        String series = "{job=\"" + job + "\",container_name=\"" + name + "\"}";
        JsonPath rest = given().get("/api/containers/{ref}", name).then().statusCode(200).extract().jsonPath();
        assertEquals(NOTE, rest.getMap("labels").get(NOTE_KEY), engine + " kept the label value as given");

        JsonObject info = prometheus.single("container_info" + series);
        Map<String, Object> labels = info.getJsonObject("metric").getMap();
        // Exactly these: Prometheus drops the empty pod, namespace and container labels.
        assertEquals(Map.of(
                "__name__", "container_info",
                "job", job,
                "instance", instance,
                "container_id", rest.getString("shortId"),
                "container_name", name,
                "image", rest.getString("image"),
                "runtime", engine.label(),
                NOTE_LABEL, NOTE), labels, job + " " + engine);
        assertEquals(1.0, PrometheusServer.value(info));

        assertTrue(PrometheusServer.value(prometheus.single("container_memory_usage_bytes" + series)) >= 64 * MIB, job + " " + engine);
        // Values that do not move while the container runs must be exactly what the agent serves.
        Scrape scrape = Scrape.now();
        for (String metric : List.of("container_memory_limit_bytes", "container_start_time_seconds", "container_status")) {
            assertEquals(scrape.value(metric, name).orElseThrow(() -> new AssertionError(metric + " not served for " + name)),
                    PrometheusServer.value(prometheus.single(metric + series)), job + " " + engine + " " + metric);
        }
        double cpuRate = PrometheusServer.value(prometheus.single("rate(container_cpu_usage_seconds_total" + series + "[1m])"));
        assertTrue(cpuRate >= 0 && cpuRate < 64, job + " " + engine + " cpu rate " + cpuRate);
    }

    /** The metadata Prometheus keeps says which parser read each job: OpenMetrics names a counter family without _total and has units. */
    private static void assertFormatsParsed(PrometheusServer prometheus) {
        JsonArray openMetrics = prometheus.metadata("openmetrics", "container_cpu_usage_seconds");
        assertEquals(1, openMetrics.size(), openMetrics.encode());
        assertEquals("counter", openMetrics.getJsonObject(0).getString("type"));
        assertEquals("seconds", openMetrics.getJsonObject(0).getString("unit"));
        assertTrue(prometheus.metadata("openmetrics", "container_cpu_usage_seconds_total").isEmpty());

        JsonArray text = prometheus.metadata("text", "container_cpu_usage_seconds_total");
        assertEquals(1, text.size(), text.encode());
        assertEquals("counter", text.getJsonObject(0).getString("type"));
        assertEquals("", text.getJsonObject(0).getString("unit"));
        assertFalse(text.getJsonObject(0).getString("help").isEmpty());
        assertEquals(text.getJsonObject(0).getString("help"), openMetrics.getJsonObject(0).getString("help"), "HELP reads the same in both formats");
    }

    private static void assertNoErrorCounted(PrometheusServer prometheus) {
        Map<String, Double> self = prometheus.selfMetrics();
        for (String counter : ERROR_COUNTERS) {
            List<Map.Entry<String, Double>> series = self.entrySet().stream()
                    .filter(e -> e.getKey().equals(counter) || e.getKey().startsWith(counter + "{")).toList();
            assertFalse(series.isEmpty(), counter + " is not exported by this Prometheus: pick its successor");
            series.forEach(e -> assertEquals(0.0, e.getValue(), e.getKey()));
        }
        for (String line : prometheus.log().lines().toList()) {
            boolean problem = line.contains("level=warn") || line.contains("level=error");
            assertFalse(problem && SCRAPED_JOBS.stream().anyMatch(job -> line.contains("scrape_pool=" + job + " ")),
                    "prometheus complained: " + line);
        }
    }

    /**
     * Serves the agent's /metrics as Prometheus text 0.0.4 whatever the scraper asks for (path /text), or that page
     * with one series written twice (path /duplicated: the control that shows the duplicate check can fail).
     */
    private static final class ClassicTextProxy implements AutoCloseable {

        private final HttpServer server;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI upstream;

        ClassicTextProxy(String upstream) throws IOException {
            this.upstream = URI.create(upstream);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/text", exchange -> forward(exchange, false));
            server.createContext("/duplicated", exchange -> forward(exchange, true));
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private void forward(HttpExchange exchange, boolean duplicate) throws IOException {
            int status = 502;
            String contentType = "text/plain";
            byte[] bytes = new byte[0];
            try {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(upstream).timeout(Duration.ofSeconds(2))
                        .header("Accept", "text/plain;version=0.0.4").GET().build(), HttpResponse.BodyHandlers.ofString());
                String body = page.body();
                if (duplicate) {
                    String line = body.lines().filter(l -> l.startsWith("container_info{")).findFirst().orElseThrow();
                    body = body.replace(line + "\n", line + "\n" + line.substring(0, line.lastIndexOf(' ')) + " 2\n");
                }
                status = page.statusCode();
                contentType = page.headers().firstValue("Content-Type").orElse(contentType);
                bytes = body.getBytes(StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                // answered 502: Prometheus marks the target down, which the test reports
            }
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
                out.write(bytes);
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
