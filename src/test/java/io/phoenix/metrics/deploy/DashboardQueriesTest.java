package io.phoenix.metrics.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.phoenix.metrics.testing.PrometheusServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboards in deploy/grafana against a real Prometheus that scrapes this agent while a Docker and a
 * Podman container run (each in a pod's labels, on a network, with CPU and memory limits, so throttling, limit and
 * network panels have something to show). Each dashboard's variables are resolved the way Grafana resolves
 * {@code label_values()}, substituted into every panel query (once with every variable at All, once per container
 * with its own node, namespace, pod and name), and every query must parse and return at least one series.
 * <p>
 * Some queries fall back to zeros where their metric has no series ({@code X or Y * 0}: no stopped container, no
 * collector error yet, a cgroup version without the file), so returning data does not prove that X is spelt right:
 * every metric a dashboard names must also have series of its own. A Docker container whose only process the OOM
 * killer kills gives the OOM panels a real kill to show, and they must show it.
 */
@QuarkusTest
@TestProfile(DashboardQueriesTest.PatientDiscovery.class)
@Tag("engine")
class DashboardQueriesTest {

    /** Engines shared by several test runs on 2 cores can take over the default 5 s to answer a request. */
    public static class PatientDiscovery implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.discovery.request-timeout", "60s");
        }
    }

    private static final Path DASHBOARDS = Manifests.PROJECT.resolve("deploy/grafana");
    private static final String NODE = "test-node";
    /** Grafana's $__rate_interval for a 1 s scrape interval, rounded up to a window that always holds samples. */
    private static final String RATE_INTERVAL = "10s";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");
    /** A metric selector: every one in the dashboards has label matchers, so a name followed by a brace. */
    private static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    /**
     * Metrics of one cgroup version only, which the dashboards combine with {@code or}: v2's memory.events (high, max)
     * and v1's memory.failcnt. A host has all of one set, and none of the other.
     */
    private static final List<Set<String>> ONE_OF = List.of(
            Set.of("container_memory_events_high_total", "container_memory_events_max_total"),
            Set.of("container_memory_failcnt"));
    /**
     * Counters with series only once something failed (the dashboards show zeros until then): instead of series, their
     * names must be the ones README.md's metrics table documents.
     */
    private static final Set<String> AFTER_A_FAILURE = Set.of("phoenix_collector_errors_total", "phoenix_runtime_errors_total");

    @TestHTTPResource("/metrics")
    URL metrics;

    @Test
    void everyPanelQueryReturnsData() throws Exception {
        List<JsonNode> dashboards = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.add(checkedStructure(file));
            }
        }
        assertEquals(2, dashboards.size(), "dashboards in " + DASHBOARDS);

        String namespace = "phx-ns-" + EngineFixture.RUN_ID;
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); EngineFixture podman = new EngineFixture(Engine.PODMAN);
             PrometheusServer prometheus = PrometheusServer.start(Map.of("phoenix-metrics", metrics.toURI()), Map.of("node", NODE))) {
            String network = EngineFixture.uniqueName("net");
            docker.createNetwork(network);
            Map<String, String> pods = new LinkedHashMap<>(); // container name → pod
            pods.put(workload(docker, network, namespace), "web");
            pods.put(workload(podman, "podman", namespace), "batch");
            String victim = oomVictim(docker, namespace);
            // Enough samples for rate() over the rate interval on both containers.
            String names = String.join("|", pods.keySet());
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    prometheus.query("rate(container_network_receive_bytes_total{container_name=~\"" + names + "\"}[" + RATE_INTERVAL + "])").size() >= 2
                            && prometheus.query("rate(container_cpu_usage_seconds_total{container_name=~\"" + names + "\"}[" + RATE_INTERVAL + "])").size() == 2
                            && prometheus.query("container_oom_killed{container_name=\"" + victim + "\"} == 1").size() == 1);

            everyMetricHasSeries(prometheus, dashboards);

            for (JsonNode dashboard : dashboards) {
                String title = dashboard.get("title").asText();
                evaluate(prometheus, dashboard, title + " (All)", Map.of());
                for (var container : pods.entrySet()) {
                    Map<String, String> chosen = Map.of("node", NODE, "namespace", namespace,
                            "pod", container.getValue(), "container", container.getKey());
                    evaluate(prometheus, dashboard, title + " (" + container.getKey() + ")", chosen);
                }
            }
            theOomPanelsShowTheKill(prometheus, dashboards, victim);
        }
    }

    /**
     * A Docker container in the namespace whose only process is OOM-killed after a few seconds of running (so the agent
     * and Prometheus see its counters at 0 first): Docker reports the exit as an OOM kill (Podman 4.3 here does not).
     */
    private static String oomVictim(EngineFixture docker, String namespace) {
        String name = EngineFixture.uniqueName("dash-oom");
        JsonObject host = new JsonObject().put("NetworkMode", "none").put("Memory", 16L << 20).put("MemorySwap", 16L << 20);
        docker.start(docker.create(name, host, Map.of("io.kubernetes.pod.namespace", namespace,
                "io.kubernetes.pod.name", "oom", "io.kubernetes.container.name", "app"),
                "sh", "-c", "sleep 10; exec dd if=/dev/zero of=/dev/null bs=64M count=1"));
        return name;
    }

    /**
     * Every metric a dashboard query names has series of its own (of one cgroup version's set, for {@link #ONE_OF}; for
     * {@link #AFTER_A_FAILURE}, a documented name).
     */
    private static void everyMetricHasSeries(PrometheusServer prometheus, List<JsonNode> dashboards) throws Exception {
        Set<String> named = new TreeSet<>();
        for (JsonNode dashboard : dashboards) {
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.get("targets")) {
                    Matcher m = METRIC.matcher(target.get("expr").asText());
                    while (m.find()) {
                        named.add(m.group(1));
                    }
                }
            }
        }
        Set<String> present = new TreeSet<>();
        prometheus.query("group by (__name__) ({__name__=~\"" + String.join("|", named) + "\"})")
                .forEach(s -> present.add(((JsonObject) s).getJsonObject("metric").getString("__name__")));
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(present);
        List<Set<String>> complete = ONE_OF.stream().filter(present::containsAll).toList();
        assertEquals(1, complete.size(), "of " + ONE_OF + " exactly one set must have series; present: " + present);
        ONE_OF.forEach(missing::removeAll);
        String readme = Files.readString(Manifests.PROJECT.resolve("README.md"));
        for (String name : AFTER_A_FAILURE) {
            if (missing.remove(name)) {
                assertTrue(readme.contains("| `" + name + "` |"), name + " is not in README.md's metrics table");
            }
        }
        assertEquals(Set.of(), missing, "metrics named in the dashboards without series");
    }

    /** The victim's kill on the node overview's OOM panels (all variables at All). */
    private static void theOomPanelsShowTheKill(PrometheusServer prometheus, List<JsonNode> dashboards, String victim) {
        JsonNode overview = dashboards.stream().filter(d -> d.get("uid").asText().equals("phoenix-node-overview")).findFirst().orElseThrow();
        Map<String, String> all = variables(prometheus, overview, "node overview (All)", Map.of());
        JsonArray stopped = prometheus.query(substitute(expr(overview, "Stopped by the OOM killer"), all));
        assertTrue(stopped.stream().anyMatch(s -> value(s) >= 1), "Stopped by the OOM killer: " + stopped);
        // By name, as the table lists it; increase() over the hour, from the 0 the counter had while the victim ran.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonArray kills = prometheus.query(substitute(expr(overview, "OOM kills in the last hour"), all));
            assertTrue(kills.stream().anyMatch(s -> victim.equals(((JsonObject) s).getJsonObject("metric").getString("container_name"))
                    && value(s) > 0), "OOM kills in the last hour: " + kills);
        });
    }

    private static String expr(JsonNode dashboard, String title) {
        return panels(dashboard).stream().filter(p -> p.get("title").asText().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no panel " + title)).get("targets").get(0).get("expr").asText();
    }

    private static double value(Object sample) {
        return Double.parseDouble(((JsonObject) sample).getJsonArray("value").getString(1));
    }

    /** A container in a pod's labels that uses a little CPU under a quota, on a network, with a memory limit. */
    private static String workload(EngineFixture engine, String network, String namespace) {
        String name = EngineFixture.uniqueName("dash-" + engine.engine().label());
        String pod = engine.engine() == Engine.DOCKER ? "web" : "batch";
        JsonObject host = new JsonObject().put("NetworkMode", network).put("Memory", 64L << 20)
                .put("NanoCpus", 100_000_000L); // a tenth of a core: `yes` is throttled at once, and costs little
        engine.start(engine.create(name, host, Map.of("io.kubernetes.pod.namespace", namespace,
                "io.kubernetes.pod.name", pod, "io.kubernetes.container.name", "app"), "sh", "-c", "yes >/dev/null"));
        return name;
    }

    /** Resolves the variables (chosen values where given, else All), then runs every target of every panel. */
    private static void evaluate(PrometheusServer prometheus, JsonNode dashboard, String what, Map<String, String> chosen) {
        Map<String, String> values = variables(prometheus, dashboard, what, chosen);
        List<String> empty = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.get("targets")) {
                String expr = substitute(target.get("expr").asText(), values);
                JsonArray result = prometheus.query(expr); // an unparsable query fails here, naming it
                if (result.isEmpty()) {
                    empty.add(panel.get("title").asText() + ": " + expr);
                }
            }
        }
        assertEquals(List.of(), empty, what + ": queries without data");
    }

    /** The variables' values as Grafana resolves them: chosen ones where given (and offered), else All. */
    private static Map<String, String> variables(PrometheusServer prometheus, JsonNode dashboard, String what, Map<String, String> chosen) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("__rate_interval", RATE_INTERVAL);
        for (JsonNode variable : dashboard.at("/templating/list")) {
            String name = variable.get("name").asText();
            if (!"query".equals(variable.get("type").asText())) {
                continue;
            }
            Matcher m = LABEL_VALUES.matcher(variable.at("/query/query").asText());
            assertTrue(m.matches(), what + ": variable " + name + " is not label_values(...): " + variable.get("query"));
            Set<String> offered = labelValues(prometheus, substitute(m.group(1), values), m.group(2));
            String value = chosen.getOrDefault(name, variable.get("allValue").asText());
            if (chosen.containsKey(name)) {
                assertTrue(offered.contains(value), what + ": variable " + name + " offers " + offered + ", not " + value);
            } else {
                assertTrue(!offered.isEmpty() || name.equals("namespace") || name.equals("pod"), what + ": variable " + name + " offers nothing");
            }
            values.put(name, value);
        }
        return values;
    }

    private static Set<String> labelValues(PrometheusServer prometheus, String selector, String label) {
        Set<String> values = new TreeSet<>();
        prometheus.query(selector).forEach(s -> {
            String v = ((JsonObject) s).getJsonObject("metric").getString(label);
            if (v != null) {
                values.add(v);
            }
        });
        return values;
    }

    private static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            assertTrue(value != null, "unknown variable $" + m.group(1) + " in " + expr);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (!"row".equals(p.get("type").asText())) {
                panels.add(p);
            }
        });
        return panels;
    }

    /** What a Grafana import needs: uid, title, the datasource and filter variables, unique ids, panels on it. */
    private static JsonNode checkedStructure(Path file) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        assertTrue(dashboard.hasNonNull("uid") && dashboard.hasNonNull("title"), file + ": uid and title");
        Set<String> variables = new HashSet<>();
        dashboard.at("/templating/list").forEach(v -> variables.add(v.get("name").asText()));
        assertEquals(Set.of("datasource", "node", "namespace", "pod", "container"), variables, file.toString());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), file + ": duplicate panel id " + panel.get("id"));
            assertTrue(panel.has("gridPos"), file + ": " + panel.get("title") + " has no gridPos");
            if (!"row".equals(panel.get("type").asText())) {
                assertEquals("${datasource}", panel.at("/datasource/uid").asText(), file + ": " + panel.get("title"));
                assertTrue(panel.get("targets").size() > 0, file + ": " + panel.get("title") + " has no query");
            }
        }
        return dashboard;
    }
}
