package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.PrometheusServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet on one machine: three agents, each the packaged application in its own JVM on its own port with its own
 * {@code node} label (and a per-agent custom label on its cpu collector, to tell whose series is whose), pushing
 * into one real Prometheus receiver. Runs after {@code package} (failsafe), since it needs the packaged jar.
 */
@Tag("engine")
class RemoteWriteFleetIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String CPU = "container_cpu_usage_seconds_total";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Agent(String node, String tag, int port, Process process, Path log) {
        String get(String path) throws IOException, InterruptedException {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(path + ": HTTP " + response.statusCode());
            }
            return response.body();
        }
    }

    @Test
    void threeAgentsIntoOneReceiverNothingMixedUp() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " missing: this test runs after package (./mvnw verify)");
        List<Agent> agents = new ArrayList<>();
        try (PrometheusServer receiver = PrometheusServer.startReceiver();
             EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            String name = EngineFixture.uniqueName("fleet");
            docker.run(name, "sh", "-c", "while :; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.2; done");
            for (int i = 1; i <= 3; i++) {
                agents.add(start("node-" + i, "a" + i, receiver.writeUrl()));
            }
            try {
                check(receiver, agents, name);
            } catch (AssertionError | RuntimeException e) {
                StringBuilder logs = new StringBuilder(e.getMessage());
                for (Agent a : agents) {
                    logs.append("\n--- ").append(a.node()).append(" ---\n").append(tail(a.log()));
                }
                throw new AssertionError(logs.toString(), e);
            }
        } finally {
            for (Agent a : agents) {
                a.process().destroy();
            }
            for (Agent a : agents) {
                if (!a.process().waitFor(15, TimeUnit.SECONDS)) {
                    a.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(a.log());
            }
        }
    }

    private static void check(PrometheusServer receiver, List<Agent> agents, String name) throws Exception {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> receiver.query("count by (node) (" + CPU + "{container_name=\"" + name + "\"})").size() == 3);
        // Whose is whose: every cpu series of node-N carries agent N's own custom label, and only that one.
        JsonArray pairs = receiver.query("group by (node, agent) ({__name__=~\"container_cpu_.+\"})");
        Set<String> seen = new HashSet<>();
        for (Object each : pairs) {
            JsonObject labels = ((JsonObject) each).getJsonObject("metric");
            seen.add(labels.getString("node") + "/" + labels.getString("agent"));
        }
        assertEquals(Set.of("node-1/a1", "node-2/a2", "node-3/a3"), seen);
        assertEquals(3, receiver.query("host_memory_total_bytes").size(), "one host series per node");

        for (Agent agent : agents) {
            // The container's cpu series on the receiver for this node are exactly those on this agent's /metrics,
            // once a push has carried the series that appear with a container's second sample (the CPU percent).
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Set<Map<String, String>> served = Exposed.parse(agent.get("/metrics")).stream()
                        .filter(e -> e.name().startsWith("container_cpu_") && name.equals(e.labels().get("container_name")))
                        .map(e -> withName(e.name(), e.labels())).collect(Collectors.toSet());
                Set<Map<String, String>> pushed = new HashSet<>();
                for (Object each : receiver.query("{__name__=~\"container_cpu_.+\",container_name=\"" + name + "\",node=\"" + agent.node() + "\"}")) {
                    Map<String, String> labels = new HashMap<>();
                    ((JsonObject) each).getJsonObject("metric").getMap().forEach((k, v) -> labels.put(k, (String) v));
                    assertEquals(agent.node(), labels.remove("node"));
                    pushed.add(labels);
                }
                assertTrue(served.size() >= 4, agent.node() + " serves " + served);
                assertEquals(served, pushed, agent.node());
            });
            JsonObject output = new JsonObject(agent.get("/api/outputs")).getJsonArray("outputs").getJsonObject(0);
            assertEquals(agent.node(), output.getJsonObject("externalLabels").getString("node"));
            assertTrue(output.getLong("samplesSent") > 0, output.encode());
            assertEquals(0L, output.getLong("samplesFailed"), output.encode());
        }
    }

    private static Map<String, String> withName(String name, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>();
        labels.forEach((k, v) -> {
            if (!v.isEmpty()) {
                all.put(k, v);
            }
        });
        all.put("__name__", name);
        return all;
    }

    private static Agent start(String node, String tag, String writeUrl) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("phoenix-fleet-" + node, ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx96m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dmetrics.autodetect=false", "-Dmetrics.runtimes=" + Engine.DOCKER.uri(),
                "-Dmetrics.remote-write.url=" + writeUrl,
                "-Dmetrics.remote-write.push-interval=1s",
                "-Dmetrics.remote-write.external-labels.node=" + node,
                "-Dmetrics.collectors.cpu.custom-labels.agent=" + tag,
                "-jar", JAR.toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Agent(node, tag, port, process, log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
