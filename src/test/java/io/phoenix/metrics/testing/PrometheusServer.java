package io.phoenix.metrics.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the {@code prometheus} binary of the Debian package) on a free loopback port, with its
 * configuration and storage in a temporary directory of its own that {@link #close()} deletes after stopping it.
 * Every request to it is bounded.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final List<String> command;
    private Process process;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    private PrometheusServer(Path dir, List<String> command, Process process, int port) {
        this.dir = dir;
        this.command = command;
        this.process = process;
        this.base = "http://127.0.0.1:" + port;
    }

    /**
     * Scrapes each job's target (job name → full URL of its metrics page) every second; returns once the server
     * says it is ready. The free port is picked before Prometheus binds it, so a lost race is retried.
     */
    public static PrometheusServer start(Map<String, URI> jobs) throws IOException, InterruptedException {
        return start(jobs, Map.of(), List.of());
    }

    /** As {@link #start(Map)}, with labels on every target (as relabelling sets {@code node} in Kubernetes). */
    public static PrometheusServer start(Map<String, URI> jobs, Map<String, String> targetLabels)
            throws IOException, InterruptedException {
        return start(jobs, targetLabels, List.of());
    }

    /** A server that scrapes nothing and accepts remote-write on {@link #writeUrl()}. */
    public static PrometheusServer startReceiver() throws IOException, InterruptedException {
        return start(Map.of(), Map.of(), List.of("--web.enable-remote-write-receiver"));
    }

    private static PrometheusServer start(Map<String, URI> jobs, Map<String, String> targetLabels, List<String> flags)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("phoenix-prometheus-");
        try {
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, config(jobs, targetLabels));
            for (int attempt = 1; ; attempt++) {
                int port = freeLoopbackPort();
                List<String> command = new java.util.ArrayList<>(List.of("prometheus",
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--storage.tsdb.retention.time=15m",
                        "--web.listen-address=127.0.0.1:" + port));
                command.addAll(flags);
                PrometheusServer server = new PrometheusServer(dir, command, launch(command, dir), port);
                if (server.awaitReady()) {
                    return server;
                }
                String log = server.log();
                server.stop();
                if (attempt == 3 || !log.contains("address already in use")) {
                    throw new IllegalStateException("prometheus did not become ready:\n" + log);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    private static Process launch(List<String> command, Path dir) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile()))
                .start();
    }

    /** Where remote-write goes (only served by {@link #startReceiver()}). */
    public String writeUrl() {
        return base + "/api/v1/write";
    }

    /** Stops the server (as {@link #close()} does) but keeps its data directory and port for {@link #restart()}. */
    public void pause() throws InterruptedException {
        stop();
    }

    /** Starts it again, same port, same data directory (its WAL replayed); returns once it is ready. */
    public void restart() throws IOException, InterruptedException {
        process = launch(command, dir);
        if (!awaitReady()) {
            throw new IllegalStateException("prometheus did not come back:\n" + log());
        }
    }

    private static String config(Map<String, URI> jobs, Map<String, String> targetLabels) {
        StringBuilder yaml = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                """);
        if (jobs.isEmpty()) {
            return yaml.append("  []\n").toString();
        }
        jobs.forEach((job, url) -> yaml.append("  - job_name: '").append(job).append("'\n")
                .append("    metrics_path: '").append(url.getPath()).append("'\n")
                .append("    static_configs:\n")
                .append("      - targets: ['").append(url.getHost()).append(':').append(url.getPort()).append("']\n")
                .append(labels(targetLabels)));
        return yaml.toString();
    }

    private static String labels(Map<String, String> targetLabels) {
        StringBuilder yaml = new StringBuilder(targetLabels.isEmpty() ? "" : "        labels:\n");
        targetLabels.forEach((k, v) -> yaml.append("          ").append(k).append(": '").append(v).append("'\n"));
        return yaml.toString();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(request("/-/ready"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notListeningYet) {
                // starting: try again shortly
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** An instant query, evaluated now; the result vector. */
    public JsonArray query(String promql) {
        return query(promql, null);
    }

    /** An instant query evaluated at {@code time} (Unix seconds as Prometheus writes them), or now when null. */
    public JsonArray query(String promql, String time) {
        String params = "query=" + encode(promql) + (time == null ? "" : "&time=" + encode(time));
        return api("/api/v1/query?" + params).getJsonObject("data").getJsonArray("result");
    }

    /** The one sample of a query that must answer exactly one series. */
    public JsonObject single(String promql) {
        JsonArray result = query(promql);
        if (result.size() != 1) {
            throw new AssertionError("expected one series for " + promql + ", got " + result.encode());
        }
        return result.getJsonObject(0);
    }

    public static double value(JsonObject sample) {
        return number(sample.getJsonArray("value").getString(1));
    }

    /** Prometheus' spelling of a number: Go's, with +Inf and -Inf, which Java spells Infinity. */
    private static double number(String value) {
        return Double.parseDouble(value.endsWith("Inf") ? value + "inity" : value);
    }

    public JsonArray activeTargets() {
        return api("/api/v1/targets?state=active").getJsonObject("data").getJsonArray("activeTargets");
    }

    /** What Prometheus learnt from a job's HELP, TYPE and UNIT lines for one metric family. */
    public JsonArray metadata(String job, String metric) {
        return api("/api/v1/targets/metadata?match_target=" + encode("{job=\"" + job + "\"}") + "&metric=" + encode(metric))
                .getJsonArray("data");
    }

    /** Prometheus' own /metrics: family name with labels → value, for its scrape and TSDB error counters. */
    public Map<String, Double> selfMetrics() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : get("/metrics").lines().toList()) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0) {
                values.put(line.substring(0, space), number(line.substring(space + 1)));
            }
        }
        return values;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private JsonObject api(String pathAndQuery) {
        JsonObject answer = new JsonObject(get(pathAndQuery));
        if (!"success".equals(answer.getString("status"))) {
            throw new IllegalStateException(pathAndQuery + ": " + answer.encode());
        }
        return answer;
    }

    private String get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(pathAndQuery + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(REQUEST_TIMEOUT).GET().build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir left behind harms nothing
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            delete(dir);
        }
    }
}
