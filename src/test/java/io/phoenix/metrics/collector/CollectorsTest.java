package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.JsonObjectFramer;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.stats.DockerStatsParser;
import io.phoenix.metrics.stats.SampleWindow;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in collectors over recorded Docker stats, with expected values and label sets. */
class CollectorsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T02:10:45Z");
    private static final LabelPolicy POLICY = new LabelPolicy(List.of("team", "app.kubernetes.io/name"));

    private static ContainerInfo container(ContainerState state, Integer exitCode, Map<String, String> labels) {
        return new ContainerInfo("1f4be2ec8365" + "0".repeat(52), "web \"1\"\nx", "busybox:local", labels, state,
                NOW.minusSeconds(100), NOW.minusSeconds(60), null, 2, exitCode, HealthStatus.HEALTHY, 123, RuntimeKind.DOCKER,
                "unix:///d.sock");
    }

    private static SampleWindow recordedWindow() {
        List<JsonObject> objects = new JsonObjectFramer().feed(Recorded.bytes("docker-stats-stream.jsonl"));
        return new SampleWindow(null, DockerStatsParser.parse("x", objects.get(objects.size() - 2)))
                .next(DockerStatsParser.parse("x", objects.get(objects.size() - 1)));
    }

    private static ContainerSnapshot snapshot(ContainerInfo c, SampleWindow window) {
        return new ContainerSnapshot(c, window, NOW, POLICY.base(c), POLICY.metadata(c));
    }

    private static <T extends MetricsCollector> T make(java.util.function.Function<CollectorConfig, T> create,
                                                       Map<String, String> customLabels) {
        return create.apply(new CollectorConfig("test", "test", true, Duration.ofSeconds(1),
                Duration.ofSeconds(5), 0, Duration.ZERO, customLabels, Map.of()));
    }

    private static Map<String, Double> byName(List<MetricValue> values) {
        Map<String, Double> map = new LinkedHashMap<>();
        values.forEach(v -> map.put(v.name() + (v.labels().containsKey("device") ? "/" + v.labels().get("device") : "")
                + (v.labels().containsKey("interface") ? "/" + v.labels().get("interface") : ""), v.value()));
        return map;
    }

    @Test
    void cpu() {
        var values = make(CpuCollector::new, Map.of("team", "core")).collect(snapshot(container(ContainerState.RUNNING, null, Map.of()), recordedWindow()));
        Map<String, Double> v = byName(values);
        assertEquals(99.892, v.get("container_cpu_usage_percent"), 0.001);
        assertEquals(4.063936612, v.get("container_cpu_usage_seconds_total"), 1e-9);
        assertEquals(4.01, v.get("container_cpu_user_seconds_total"), 1e-9);
        assertEquals(0.05, v.get("container_cpu_system_seconds_total"), 1e-9);
        assertEquals(0.0, v.get("container_cpu_cfs_throttled_seconds_total"));
        assertEquals(7, values.size());
        for (MetricValue value : values) {
            assertEquals(List.of("container_id", "container_name", "image", "runtime", "team"), List.copyOf(value.labels().keySet()));
            assertEquals("1f4be2ec8365", value.labels().get("container_id"));
            assertEquals(Instant.parse("2026-11-25T02:10:42.188Z").toEpochMilli(), value.timestamp(), "stamped with the sample's read time");
        }
    }

    @Test
    void memory() {
        Map<String, Double> v = byName(make(MemoryCollector::new, Map.of())
                .collect(snapshot(container(ContainerState.RUNNING, null, Map.of()), recordedWindow())));
        assertEquals(9187328.0, v.get("container_memory_usage_bytes"));
        assertEquals(798720.0, v.get("container_memory_working_set_bytes"));
        assertEquals(268435456.0, v.get("container_memory_limit_bytes"));
        assertEquals(798720 * 100.0 / 268435456, v.get("container_memory_usage_percent"), 1e-9);
    }

    @Test
    void networkAndDiskPerInterfaceAndDevice() {
        StatsSample blk = DockerStatsParser.parse("x", Recorded.json("docker-stats-v1-blkio.json"));
        ContainerSnapshot s = snapshot(container(ContainerState.RUNNING, null, Map.of()), new SampleWindow(null, blk));
        Map<String, Double> net = byName(make(NetworkCollector::new, Map.of()).collect(s));
        assertEquals(5000.0, net.get("container_network_receive_bytes_total/eth0"));
        assertEquals(70.0, net.get("container_network_transmit_packets_total/eth0"));
        assertEquals(2.0, net.get("container_network_receive_packets_dropped_total/eth0"));
        assertEquals(20.0, net.get("container_network_transmit_bytes_total/eth1"));
        assertEquals(16, net.size());
        Map<String, Double> disk = byName(make(DiskCollector::new, Map.of()).collect(s));
        assertEquals(16777216.0, disk.get("container_disk_write_bytes_total/254:0"));
        assertEquals(100.0, disk.get("container_disk_read_ops_total/254:0"));
        assertEquals(1024.0, disk.get("container_disk_read_bytes_total/7:0"));
    }

    @Test
    void resourceCollectorsSayNothingWithoutSamples() {
        ContainerSnapshot stopped = snapshot(container(ContainerState.EXITED, 3, Map.of()), null);
        assertTrue(make(CpuCollector::new, Map.of()).collect(stopped).isEmpty());
        assertTrue(make(MemoryCollector::new, Map.of()).collect(stopped).isEmpty());
        assertTrue(make(NetworkCollector::new, Map.of()).collect(stopped).isEmpty());
    }

    @Test
    void lifecycleOfARunningAndAnExitedContainer() {
        Map<String, Double> running = byName(make(LifecycleCollector::new, Map.of())
                .collect(snapshot(container(ContainerState.RUNNING, null, Map.of()), recordedWindow())));
        assertEquals(60.0, running.get("container_uptime_seconds"));
        assertEquals(2.0, running.get("container_restarts_total"));
        assertEquals(1.0, running.get("container_status"));
        assertEquals(1.0, running.get("container_health_state"));
        assertEquals(1.0, running.get("container_pids"));
        assertFalse(running.containsKey("container_exit_code"), "never exited: no exit code series");
        assertEquals(NOW.minusSeconds(60).getEpochSecond(), running.get("container_start_time_seconds"));

        Map<String, Double> exited = byName(make(LifecycleCollector::new, Map.of())
                .collect(snapshot(container(ContainerState.EXITED, 3, Map.of()), null)));
        assertEquals(3.0, exited.get("container_exit_code"));
        assertEquals(6.0, exited.get("container_status"));
        assertFalse(exited.containsKey("container_uptime_seconds"));
        assertFalse(exited.containsKey("container_pids"));
    }

    @Test
    void infoCarriesMetadataWithAConsistentLabelSet() {
        var withK8s = make(InfoCollector::new, Map.of()).collect(snapshot(container(ContainerState.RUNNING, null,
                Map.of("io.kubernetes.pod.name", "web-0", "io.kubernetes.pod.namespace", "shop", "team", "a\"b")), null)).get(0);
        var plain = make(InfoCollector::new, Map.of()).collect(snapshot(container(ContainerState.RUNNING, null, Map.of()), null)).get(0);
        assertEquals(withK8s.labels().keySet(), plain.labels().keySet());
        assertEquals(List.of("container_id", "container_name", "image", "runtime", "pod", "namespace", "container",
                "pod_uid", "container_label_team", "container_label_app_kubernetes_io_name"), List.copyOf(withK8s.labels().keySet()));
        assertEquals("web-0", withK8s.labels().get("pod"));
        assertEquals("shop", withK8s.labels().get("namespace"));
        assertEquals("a\"b", withK8s.labels().get("container_label_team"));
        assertEquals("", plain.labels().get("pod"));
        assertEquals(1.0, plain.value());
    }

    @Test
    void seedLineFormatEscapesUntrustedLabelValues() {
        var value = new MetricValue(MetricFamily.gauge("container_info", null, "help"), 1, 1700000000123L,
                Map.of("container_name", "a\"b\\c\nd"));
        assertEquals("container_info{container_name=\"a\\\"b\\\\c\\nd\"} 1 1700000000123", value.toPrometheusFormat());
        assertEquals("x 0.5 1", new MetricValue(MetricFamily.gauge("x", null, "h"), 0.5, 1, Map.of()).toPrometheusFormat());
        assertEquals("x 1795573918.586 1", new MetricValue(MetricFamily.gauge("x", null, "h"), 1795573918.586, 1, Map.of()).toPrometheusFormat());
    }

    @Test
    void aValueSerialisesAsItAlwaysHasForRestAndSse() throws Exception {
        var value = new MetricValue(MetricFamily.counter("container_cpu_usage_seconds_total", "seconds", "CPU time."), 1.5, 1700000000123L,
                Map.of("container_id", "abc"));
        assertEquals("{\"name\":\"container_cpu_usage_seconds_total\",\"value\":1.5,\"type\":\"counter\",\"unit\":\"seconds\","
                        + "\"timestamp\":1700000000123,\"labels\":{\"container_id\":\"abc\"},\"help\":\"CPU time.\"}",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value));
    }

    @Test
    void definitionsRefuseNamesPrometheusWouldNot() {
        assertThrows(IllegalArgumentException.class, () -> MetricDefinition.counter("container_x_seconds", "seconds", "h", s -> 1));
        assertThrows(IllegalArgumentException.class, () -> MetricDefinition.gauge("container_x_bytes", "seconds", "h", s -> 1));
        assertThrows(IllegalArgumentException.class, () -> MetricDefinition.gauge("container-x", null, "h", s -> 1));
        assertEquals("app_kubernetes_io_name", LabelPolicy.sanitize("app.kubernetes.io/name"));
        assertEquals("a_b_c_", LabelPolicy.sanitize("a-b c\u00e9"));
    }

    @Test
    void everyBuiltInTableIsValidAndNamesAreUnique() {
        List<MetricDefinition<?>> all = new java.util.ArrayList<>();
        all.addAll(CpuCollector.METRICS);
        all.addAll(MemoryCollector.METRICS);
        all.addAll(NetworkCollector.METRICS);
        all.addAll(DiskCollector.METRICS);
        all.addAll(LifecycleCollector.METRICS);
        all.addAll(InfoCollector.METRICS);
        all.addAll(SystemCollector.METRICS);
        Set<String> names = all.stream().map(MetricDefinition::name).collect(Collectors.toSet());
        assertEquals(all.size(), names.size());
        assertTrue(all.stream().allMatch(d -> d.help() != null && !d.help().isBlank()));
    }

    @Test
    void expositionInBothFormats() {
        List<MetricValue> values = make(CpuCollector::new, Map.of())
                .collect(snapshot(container(ContainerState.RUNNING, null, Map.of()), recordedWindow()));
        String text = new String(io.phoenix.metrics.exposition.ExpositionAccess.write(values, false, false), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("# HELP container_cpu_usage_seconds_total CPU time consumed by the container, all cores.\n"
                + "# TYPE container_cpu_usage_seconds_total counter\n"
                + "container_cpu_usage_seconds_total{container_id=\"1f4be2ec8365\",container_name=\"web \\\"1\\\"\\nx\","
                + "image=\"busybox:local\",runtime=\"docker\"} 4.063936612\n"), text);
        assertTrue(text.contains("container_cpu_cfs_periods_total{"), "dimensionless counter");
        String om = new String(io.phoenix.metrics.exposition.ExpositionAccess.write(values, true, true), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(om.contains("# TYPE container_cpu_usage_seconds counter\n# UNIT container_cpu_usage_seconds seconds\n"), om);
        assertTrue(om.contains("} 4.063936612 1795572642.188\n"), "OpenMetrics timestamps are seconds: " + om);
        assertFalse(om.contains("# UNIT container_cpu_cfs_periods"), "no unit, no UNIT line");
    }
}
