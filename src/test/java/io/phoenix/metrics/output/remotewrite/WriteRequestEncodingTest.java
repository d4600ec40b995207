package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.output.remotewrite.StoreReader.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the encoder writes, read back with a reader that shares no code with snappy-java or protobuf-java. */
class WriteRequestEncodingTest {

    private static final String ODD = "say \"hi\", {a=\"b\"}\nC:\\dir\\ \t é ✓";

    private static Point point(int i) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("container_name", "web-" + i);
        labels.put("runtime", "docker");
        labels.put("Image", ODD); // upper case sorts before lower case and before __name__
        labels.put("pod", ""); // empty: no label
        if (i % 2 == 0) {
            labels.put("node", "own-" + i); // the series' own value wins over the external label
        }
        return new Point("container_cpu_usage_seconds_total", labels, i + 0.25, 1_700_000_000_000L + i);
    }

    @Test
    void batchesDecodeWithLabelsSortedAndValuesExact() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            points.add(point(i));
        }
        WriteRequestEncoder encoder = new WriteRequestEncoder(Map.of("node", "node-a", "zone", "z1"), 1000);
        List<Batch> batches = encoder.encode(points, 42);
        assertEquals(List.of(1000, 1000, 500), batches.stream().map(Batch::samples).toList());

        int i = 0;
        for (Batch batch : batches) {
            assertEquals(1_700_000_000_000L + i, batch.oldestTimestamp());
            assertEquals(42, batch.queuedAtNanos());
            byte[] raw = IndependentDecoder.unsnappy(batch.body());
            assertTrue(batch.body().length < raw.length / 3, "repetitive labels compress: " + batch.body().length + " of " + raw.length);
            List<IndependentDecoder.Series> series = IndependentDecoder.writeRequest(raw);
            assertEquals(batch.samples(), series.size());
            for (IndependentDecoder.Series s : series) {
                List<String> sorted = new ArrayList<>(s.labelOrder());
                sorted.sort(String::compareTo);
                assertEquals(sorted, s.labelOrder(), "labels sorted by name (byte order)");
                assertEquals(Map.of(
                        "Image", ODD,
                        "__name__", "container_cpu_usage_seconds_total",
                        "container_name", "web-" + i,
                        "node", i % 2 == 0 ? "own-" + i : "node-a",
                        "runtime", "docker",
                        "zone", "z1"), s.labels());
                assertEquals(List.of(i + 0.25), s.values());
                assertEquals(1, s.timestamps().size());
                assertEquals(1_700_000_000_000L + i, s.timestamps().get(0)[0]);
                i++;
            }
        }
        assertEquals(2500, i);
    }

    /** The figure the README gives for sizing buffer-bytes: a push of 100 containers' usual series. */
    @Test
    void aTypicalPushCostsAFewTensOfBytesPerSample() {
        java.util.Random random = new java.util.Random(7);
        List<Point> points = new ArrayList<>();
        String[] families = {"container_cpu_usage_seconds_total", "container_cpu_user_seconds_total",
                "container_cpu_system_seconds_total", "container_cpu_usage_percent", "container_memory_usage_bytes",
                "container_memory_working_set_bytes", "container_memory_limit_bytes", "container_memory_usage_percent",
                "container_network_receive_bytes_total", "container_network_transmit_bytes_total",
                "container_network_receive_packets_total", "container_network_transmit_packets_total",
                "container_disk_read_bytes_total", "container_disk_write_bytes_total", "container_uptime_seconds",
                "container_status", "container_pids", "container_start_time_seconds", "container_restarts_total",
                "container_last_sample_timestamp_seconds"};
        long now = 1_764_480_000_000L;
        for (int c = 0; c < 100; c++) {
            String id = String.format("%012x", random.nextLong() & 0xffffffffffffL);
            for (String family : families) {
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("container_id", id);
                labels.put("container_name", "app-" + c + "-" + Integer.toHexString(random.nextInt()));
                labels.put("image", "registry.example.com/team/service-" + (c % 7) + ":1." + (c % 13));
                labels.put("runtime", c % 2 == 0 ? "docker" : "podman");
                points.add(new Point(family, labels, random.nextDouble() * 1e9, now - random.nextInt(1000)));
            }
        }
        List<Batch> batches = new WriteRequestEncoder(Map.of("node", "worker-17.example.com"), 2000).encode(points, 0);
        long bytes = batches.stream().mapToLong(b -> b.body().length).sum();
        double perSample = (double) bytes / points.size();
        System.out.printf("remote-write: %d samples in %d bytes compressed: %.1f bytes/sample%n", points.size(), bytes, perSample);
        assertTrue(perSample > 5 && perSample < 60, perSample + " bytes/sample");
    }

    @Test
    void staleMarkerKeepsItsBitPattern() {
        Point stale = new Point("host_load1", Map.of(), Double.longBitsToDouble(ChangedPoints.STALE_NAN_BITS), 5);
        Batch batch = new WriteRequestEncoder(Map.of("node", "n"), 10).encode(List.of(stale), 0).get(0);
        IndependentDecoder.Series s = IndependentDecoder.writeRequest(IndependentDecoder.unsnappy(batch.body())).get(0);
        assertEquals(ChangedPoints.STALE_NAN_BITS, Double.doubleToRawLongBits(s.values().get(0)));
        assertEquals(Map.of("__name__", "host_load1", "node", "n"), s.labels());
    }

    @Test
    void onlyNewerSamplesAreSentAndGoneSeriesGetAStaleMarker() {
        ChangedPoints changed = new ChangedPoints();
        Point a1 = new Point("a", Map.of("x", "1"), 1, 100);
        Point b1 = new Point("b", Map.of(), 2, 100);
        assertEquals(List.of(a1, b1), changed.next(List.of(a1, b1), 150));
        Point a2 = new Point("a", Map.of("x", "1"), 3, 200);
        // b unchanged (same timestamp): not repeated; a newer: sent.
        assertEquals(List.of(a2), changed.next(List.of(a2, b1), 250));
        // b gone: a staleness marker at push time; a unchanged.
        List<Point> next = changed.next(List.of(a2), 300);
        assertEquals(1, next.size());
        assertEquals("b", next.get(0).name());
        assertEquals(300, next.get(0).timestamp());
        assertEquals(ChangedPoints.STALE_NAN_BITS, Double.doubleToRawLongBits(next.get(0).value()));
        assertEquals(1, changed.tracked());
        // A sample going back in time (a restarted source) is not sent: the receiver would refuse the whole request.
        assertEquals(List.of(), changed.next(List.of(new Point("a", Map.of("x", "1"), 9, 150)), 350));
    }

    @Test
    void retryAfterInSecondsOrAsADate() {
        assertEquals(java.time.Duration.ofSeconds(7), RemoteWriteClient.retryAfter("7"));
        assertEquals(java.time.Duration.ofMinutes(5), RemoteWriteClient.retryAfter("86400"), "capped");
        assertEquals(null, RemoteWriteClient.retryAfter("soon"));
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        long seconds = RemoteWriteClient.retryAfter(inTenSeconds).toSeconds();
        assertTrue(seconds >= 8 && seconds <= 10, "date: " + seconds);
    }
}
