package io.phoenix.metrics.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compact stream's wire format, engine-free: what a client decodes is what the agent holds, in far fewer bytes. */
class CompactFormatTest {

    static final String HOSTILE = "we\"ird\\ name\n\u2028<b>\u0001";

    @Test
    void aClientRebuildsEveryValueWithItsNameLabelsTypeUnitAndHelp() {
        Catalog catalog = new Catalog();
        ContainerInfo c = container(1, HOSTILE);
        List<MetricValue> values = Samples.of(c, 1000, 3.25);
        Layout layout = catalog.layout(c, values);
        Reader reader = new Reader();
        reader.families(data(new FeedEvent.Families(catalog.drainNew()), List.of()));
        reader.container(data(new FeedEvent.Declared(layout), List.of()));
        List<MetricValue> decoded = reader.values(data(new FeedEvent.Metrics(c, Instant.now(), values, layout), List.of()));

        assertEquals(values.size(), decoded.size());
        for (int i = 0; i < values.size(); i++) {
            MetricValue want = values.get(i);
            MetricValue got = decoded.get(i);
            assertEquals(want.name(), got.name());
            assertEquals(want.labels(), got.labels(), want.name());
            assertEquals(want.value(), got.value(), 0.0, want.name());
            assertEquals(want.type(), got.type());
            assertEquals(want.unit(), got.unit());
            assertEquals(want.help(), got.help());
        }
        assertEquals(HOSTILE, reader.containers.get(layout.ref()).getString("name"));
        assertEquals(HOSTILE, reader.containers.get(layout.ref()).getJsonObject("labels").getString(HOSTILE));
    }

    @Test
    void declarationsAreMadeOnceAndAgainOnlyWhenSeriesOrMetadataChange() {
        Catalog catalog = new Catalog();
        ContainerInfo c = container(1, "web");
        Layout first = catalog.layout(c, Samples.of(c, 1000, 1));
        assertTrue(catalog.drainNew().size() > 10);
        assertSame(first, catalog.layout(c, Samples.of(c, 2000, 2)), "new values, same series: same layout");
        assertEquals(List.of(), catalog.drainNew(), "families are declared once");

        List<MetricValue> moreInterfaces = new ArrayList<>(Samples.of(c, 3000, 2));
        moreInterfaces.add(Samples.value(c, "container_network_receive_bytes_total", 5, Map.of("interface", "eth1"), 3000));
        Layout second = catalog.layout(c, moreInterfaces);
        assertNotSame(first, second);
        assertEquals(first.ref(), second.ref(), "the container keeps its number");
        assertTrue(second.version() > first.version());

        ContainerInfo stopped = new ContainerInfo(c.id(), c.name(), c.image(), c.labels(), ContainerState.EXITED, c.created(),
                c.startedAt(), Instant.now(), 0, 137, HealthStatus.NONE, null, c.runtime(), c.endpoint());
        Layout third = catalog.layout(stopped, moreInterfaces);
        assertTrue(third.version() > second.version(), "metadata changes are declared too");
        JsonObject declared = new JsonObject(data(new FeedEvent.Declared(third), List.of()));
        assertEquals("exited", declared.getString("state"));
        assertEquals(137, declared.getInteger("exitCode"));

        assertEquals(third, catalog.forget(c.id()));
        assertNull(catalog.forget(c.id()));
    }

    @Test
    void metricPrefixesNarrowTheSeriesAndTheirValuesAlike() {
        Catalog catalog = new Catalog();
        ContainerInfo c = container(2, "db");
        List<MetricValue> values = Samples.of(c, 1000, 42);
        Layout layout = catalog.layout(c, values);
        List<String> prefixes = List.of("container_cpu_usage_percent", "container_network_");
        Reader reader = new Reader();
        reader.families(data(new FeedEvent.Families(catalog.drainNew()), prefixes));
        reader.container(data(new FeedEvent.Declared(layout), prefixes));
        List<MetricValue> decoded = reader.values(data(new FeedEvent.Metrics(c, Instant.now(), values, layout), prefixes));
        List<MetricValue> expected = values.stream().filter(v -> FeedFilter.selects(prefixes, v.name())).toList();
        assertEquals(expected.stream().map(MetricValue::name).toList(), decoded.stream().map(MetricValue::name).toList());
        assertEquals(42, decoded.get(0).value(), 0.0);
    }

    @Test
    void eachEventIsSerializedOnceAndNonFiniteValuesAreNull() {
        Catalog catalog = new Catalog();
        ContainerInfo c = container(3, "x");
        List<MetricValue> values = List.of(Samples.value(c, "container_cpu_usage_percent", Double.NaN, Map.of(), 5),
                Samples.value(c, "container_memory_usage_bytes", 1.5e9, Map.of(), 5));
        FeedEvent.Metrics event = new FeedEvent.Metrics(c, Instant.now(), values, catalog.layout(c, values));
        String once = CompactFormat.data(event, List.of());
        assertSame(once, CompactFormat.data(event, List.of()), "a second client gets the same text");
        assertEquals("[0,0,5,null,1500000000]", once);
    }

    /** Today's JSON format against the compact one for N containers over a minute of 1 s ticks, SSE framing included. */
    @Test
    void compactIsAtLeastFiveTimesSmaller() throws Exception {
        int containers = 100;
        int ticks = 60;
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        Catalog catalog = new Catalog();
        long json = 0;
        long compact = 0;
        Map<String, Layout> layouts = new HashMap<>();
        for (int t = 0; t < ticks; t++) {
            for (int i = 0; i < containers; i++) {
                ContainerInfo c = container(i, "service-" + i);
                List<MetricValue> values = Samples.of(c, 1_700_000_000_000L + t * 1000L, i * 0.731 + t);
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("id", c.id());
                payload.put("name", c.name());
                payload.put("runtime", c.runtime().label());
                payload.put("state", c.state().label());
                payload.put("at", Instant.now());
                payload.put("metrics", values);
                json += ("event: metrics\ndata: " + mapper.writeValueAsString(payload) + "\n\n").length();
                Layout layout = catalog.layout(c, values);
                if (layouts.put(c.id(), layout) != layout) {
                    compact += ("event: container\ndata: " + data(new FeedEvent.Declared(layout), List.of()) + "\n\n").length();
                }
                compact += ("event: v\ndata: " + data(new FeedEvent.Metrics(c, Instant.now(), values, layout), List.of()) + "\n\n").length();
            }
            List<Family> fresh = catalog.drainNew();
            if (!fresh.isEmpty()) {
                compact += data(new FeedEvent.Families(fresh), List.of()).length();
            }
        }
        double ratio = (double) json / compact;
        System.out.printf("SSE bytes for %d containers over %d ticks: json %d, compact %d (declarations included): %.1fx smaller;"
                + " per tick json %d, compact %d%n", containers, ticks, json, compact, ratio, json / ticks, compact / ticks);
        assertTrue(ratio >= 5, "ratio " + ratio);
    }

    /**
     * Twenty clients at N=100: the CPU (this thread's) of serializing a tick per client in JSON, as the stream did
     * before, against once per event (JSON or compact) with the other clients reusing the text.
     */
    @Test
    void twentyClientsCostOneSerialization() throws Exception {
        int containers = 100;
        int clients = 20;
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
        Catalog catalog = new Catalog();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] cpu = new long[3];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            java.util.Arrays.fill(cpu, 0);
            for (int tick = 0; tick < 20; tick++) {
                List<FeedEvent.Metrics> events = new ArrayList<>();
                for (int i = 0; i < containers; i++) {
                    ContainerInfo c = container(i, "service-" + i);
                    List<MetricValue> values = Samples.of(c, 1_700_000_000_000L + tick * 1000L, i + tick * 0.37);
                    events.add(new FeedEvent.Metrics(c, Instant.now(), values, catalog.layout(c, values)));
                }
                long start = threads.getCurrentThreadCpuTime();
                for (FeedEvent.Metrics e : events) {
                    for (int k = 0; k < clients; k++) {
                        mapper.writeValueAsString(Map.of("id", e.container().id(), "metrics", e.metrics()));
                    }
                }
                long perClient = threads.getCurrentThreadCpuTime();
                for (FeedEvent.Metrics e : events) {
                    for (int k = 0; k < clients; k++) {
                        e.memo().get("json", key -> json(mapper, Map.of("id", e.container().id(), "metrics", e.metrics())));
                    }
                }
                long jsonOnce = threads.getCurrentThreadCpuTime();
                for (FeedEvent.Metrics e : events) {
                    for (int k = 0; k < clients; k++) {
                        CompactFormat.data(e, List.of());
                    }
                }
                long compactOnce = threads.getCurrentThreadCpuTime();
                cpu[0] += perClient - start;
                cpu[1] += jsonOnce - perClient;
                cpu[2] += compactOnce - jsonOnce;
            }
        }
        System.out.printf("serialization CPU per 1 s tick, %d containers, %d clients: JSON per client %.2f ms, JSON once %.2f ms,"
                + " compact once %.2f ms%n", containers, clients, cpu[0] / 20e6, cpu[1] / 20e6, cpu[2] / 20e6);
        assertTrue(cpu[2] * 10 < cpu[0], "compact once: " + cpu[2] + " ns, JSON per client: " + cpu[0] + " ns");
    }

    private static String json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String data(FeedEvent event, List<String> prefixes) {
        return CompactFormat.data(event, prefixes);
    }

    static ContainerInfo container(int i, String name) {
        String id = String.format("%064x", i + 0xabcdefL);
        return new ContainerInfo(id, name, "registry.example/app:" + i,
                Map.of("io.kubernetes.pod.name", "pod-" + i, "io.kubernetes.pod.namespace", "ns", HOSTILE, HOSTILE),
                ContainerState.RUNNING, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:01Z"), null, 0,
                null, HealthStatus.NONE, 100 + i, RuntimeKind.DOCKER, "unix:///var/run/docker.sock");
    }

    /** A compact client: keeps families and layouts, turns value events back into values. */
    static final class Reader {
        final Map<Integer, JsonArray> families = new HashMap<>();
        final Map<Integer, JsonObject> containers = new HashMap<>();

        void families(String data) {
            new JsonObject(data).getJsonArray("families").forEach(f -> families.put(((JsonArray) f).getInteger(0), (JsonArray) f));
        }

        void container(String data) {
            JsonObject c = new JsonObject(data);
            containers.put(c.getInteger("c"), c);
        }

        List<MetricValue> values(String data) {
            JsonArray v = new JsonArray(data);
            JsonObject c = containers.get(v.getInteger(0));
            assertEquals(c.getInteger("l"), v.getInteger(1), "layout version");
            JsonArray series = c.getJsonArray("series");
            assertEquals(series.size(), v.size() - 3, "one number per series");
            List<MetricValue> out = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                JsonArray s = series.getJsonArray(i);
                JsonArray f = families.get(s.getInteger(0));
                Map<String, String> labels = new LinkedHashMap<>();
                c.getJsonObject("common").forEach(e -> labels.put(e.getKey(), (String) e.getValue()));
                if (s.size() > 1) {
                    s.getJsonObject(1).forEach(e -> labels.put(e.getKey(), (String) e.getValue()));
                }
                Number value = (Number) v.getValue(3 + i);
                out.add(new MetricValue(new MetricFamily(f.getString(1), f.getString(4), MetricType.valueOf(f.getString(2).toUpperCase()),
                        f.getString(3)), value == null ? Double.NaN : value.doubleValue(), v.getLong(2), labels));
            }
            return out;
        }
    }
}
