package io.phoenix.metrics.collector;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * An idle container's values come back the same every pass: their lines are kept, not written again, and the store's
 * version (what a scrape's cached page is checked against) moves only when a line changed.
 */
class UnchangedLinesTest {

    private static final MetricFamily MEMORY = new MetricFamily("container_memory_usage_bytes", "Memory.", MetricType.GAUGE, "bytes");
    private static final MetricFamily CPU = new MetricFamily("container_cpu_usage_seconds_total", "CPU.", MetricType.COUNTER, "seconds");

    private static List<MetricValue> pass(double memory, double cpu, long at) {
        Map<String, String> labels = Map.of("container_name", "web");
        return List.of(new MetricValue(MEMORY, memory, at, labels), new MetricValue(CPU, cpu, at, labels));
    }

    private static String lines(SeriesText text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.familyCount(); i++) {
            out.append(new String(text.bytes(false), text.from(i, false), text.length(i, false), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Test
    void sameNumbersKeepTheLinesAndANewNumberWritesThem() {
        SeriesText first = SeriesText.of(pass(4096, 1.5, 1000), null, false);
        assertSame(first, SeriesText.of(pass(4096, 1.5, 2000), first, false), "same numbers, later reading: the same lines");

        SeriesText moved = SeriesText.of(pass(8192, 1.5, 3000), first, false);
        assertNotSame(first, moved);
        assertEquals("container_memory_usage_bytes{container_name=\"web\"} 8192\n"
                + "container_cpu_usage_seconds_total{container_name=\"web\"} 1.5\n", lines(moved));
    }

    @Test
    void withTimestampsALaterReadingIsANewLine() {
        SeriesText first = SeriesText.of(pass(4096, 1.5, 1000), null, true);
        SeriesText later = SeriesText.of(pass(4096, 1.5, 2000), first, true);
        assertNotSame(first, later);
        assertEquals("container_memory_usage_bytes{container_name=\"web\"} 4096 2000\n"
                + "container_cpu_usage_seconds_total{container_name=\"web\"} 1.5 2000\n", lines(later));
    }

    @Test
    void anotherSeriesInTheSamePlaceIsNotTakenForTheOld() {
        SeriesText first = SeriesText.of(pass(4096, 1.5, 1000), null, false);
        List<MetricValue> renamed = List.of(new MetricValue(MEMORY, 4096, 1000, Map.of("container_name", "api")),
                new MetricValue(CPU, 1.5, 1000, Map.of("container_name", "api")));
        assertEquals("container_memory_usage_bytes{container_name=\"api\"} 4096\n"
                + "container_cpu_usage_seconds_total{container_name=\"api\"} 1.5\n", lines(SeriesText.of(renamed, first, false)));
    }

    @Test
    void theStoreVersionMovesOnlyWhenALineChanged() {
        MetricStore store = new MetricStore();
        store.declare("memory");
        store.put("memory", "c1", pass(4096, 1.5, 1000));
        long written = store.version();
        store.put("memory", "c1", pass(4096, 1.5, 2000));
        assertEquals(written, store.version(), "the same lines again");
        assertEquals(2000, store.of("c1").get(0).timestamp(), "the values themselves are the newest");
        store.put("memory", "c1", pass(4097, 1.5, 3000));
        assertEquals(written + 1, store.version());
        store.put("memory", "c2", pass(4096, 1.5, 3000));
        assertEquals(written + 2, store.version(), "a new owner");
    }

    @Test
    void reStampedValuesKeepTheirLinesAndReadAsOfTheNewerSample() {
        MetricStore store = new MetricStore();
        store.declare("memory");
        Map<String, String> labels = Map.of("container_name", "web");
        MetricFamily info = new MetricFamily("container_info", "Info.", MetricType.GAUGE, null);
        // memory stamped with its sample's time (1000), info with its collection's (1020)
        store.put("memory", "c1", List.of(new MetricValue(MEMORY, 4096, 1000, labels), new MetricValue(info, 1, 1020, labels)), 1000);
        long version = store.version();
        String lines = lines(store.texts().get(0));

        store.restamp("memory", "c1", 2000, 2030);
        assertEquals(version, store.version());
        assertEquals(lines, lines(store.texts().get(0)));
        List<MetricValue> values = store.of("c1");
        assertEquals(List.of(4096.0, 1.0), values.stream().map(MetricValue::value).toList());
        assertEquals(List.of(2000L, 2030L), values.stream().map(MetricValue::timestamp).toList());
        store.restamp("memory", "c1", 3000, 3010);
        assertEquals(List.of(3000L, 3010L), store.all().stream().map(MetricValue::timestamp).toList(), "again, from the same values");

        store.put("memory", "c1", pass(4096, 1.5, 4000), 4000);
        assertEquals(List.of(4000L, 4000L), store.of("c1").stream().map(MetricValue::timestamp).toList(), "put again: as put");
        store.restamp("memory", "gone", 5000, 5000);
        assertEquals(List.of(), store.of("gone"), "nothing comes back for an owner without values");
    }
}
