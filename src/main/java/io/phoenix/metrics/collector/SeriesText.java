package io.phoenix.metrics.collector;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One owner's values of one collector as exposition lines, grouped by family in first-seen order. Made when the
 * values are written (on the collection worker), so a scrape only copies bytes. A series' name and escaped labels
 * are reused from the owner's previous lines while they stay the same (collectors emit an owner's series in the
 * same order every pass): per pass, mostly numbers are written.
 *
 * <p>The series lines of the text format 0.0.4 and of OpenMetrics are the same bytes, except for timestamps
 * (milliseconds against seconds): with timestamps there are two copies.
 */
public final class SeriesText {

    private static final SeriesText EMPTY = new SeriesText(new MetricFamily[0], new byte[0], new int[0], new byte[0], new int[0],
            new MetricValue[0], new byte[0][]);

    private final MetricFamily[] families;
    private final byte[] text;
    private final int[] textEnds;
    private final byte[] openMetrics;
    private final int[] openMetricsEnds;
    /** The values and the name-and-labels prefixes of their lines, by position, for the owner's next values. */
    private final MetricValue[] series;
    private final byte[][] prefixes;

    private SeriesText(MetricFamily[] families, byte[] text, int[] textEnds, byte[] openMetrics, int[] openMetricsEnds,
                       MetricValue[] series, byte[][] prefixes) {
        this.families = families;
        this.text = text;
        this.textEnds = textEnds;
        this.openMetrics = openMetrics;
        this.openMetricsEnds = openMetricsEnds;
        this.series = series;
        this.prefixes = prefixes;
    }

    public int familyCount() {
        return families.length;
    }

    public MetricFamily family(int i) {
        return families[i];
    }

    /** Family i's lines: {@code length(i, ...)} bytes of {@link #bytes} from {@link #from}. */
    public byte[] bytes(boolean asOpenMetrics) {
        return asOpenMetrics ? openMetrics : text;
    }

    public int from(int i, boolean asOpenMetrics) {
        return i == 0 ? 0 : (asOpenMetrics ? openMetricsEnds : textEnds)[i - 1];
    }

    public int length(int i, boolean asOpenMetrics) {
        return (asOpenMetrics ? openMetricsEnds : textEnds)[i] - from(i, asOpenMetrics);
    }

    /** The lines of {@code values}, reusing the prefixes of {@code previous} (may be null) where the series match. */
    public static SeriesText of(List<MetricValue> values, SeriesText previous, boolean timestamps) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        int n = values.size();
        MetricValue[] series = values.toArray(new MetricValue[0]);
        if (previous != null && sameLines(previous, series, timestamps)) {
            return previous; // an idle container's pass: the bytes are made once, not every second
        }
        byte[][] prefixes = new byte[n][];
        List<MetricFamily> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MetricValue value = series[i];
            prefixes[i] = previous != null && i < previous.series.length && sameSeries(previous.series[i], value)
                    ? previous.prefixes[i] : prefix(value);
            if (!contains(order, value.family())) {
                order.add(value.family());
            }
        }
        Bytes text = new Bytes(n * 96);
        Bytes om = timestamps ? new Bytes(n * 112) : null;
        int[] textEnds = new int[order.size()];
        int[] omEnds = timestamps ? new int[order.size()] : textEnds;
        for (int f = 0; f < order.size(); f++) {
            MetricFamily family = order.get(f);
            for (int i = 0; i < n; i++) {
                if (series[i].family() == family) {
                    line(series[i], prefixes[i], text, om);
                }
            }
            textEnds[f] = text.size;
            if (om != null) {
                omEnds[f] = om.size;
            }
        }
        byte[] textBytes = text.toArray();
        return new SeriesText(order.toArray(new MetricFamily[0]), textBytes, textEnds, om == null ? textBytes : om.toArray(),
                omEnds, series, prefixes);
    }

    private static void line(MetricValue value, byte[] prefix, Bytes text, Bytes om) {
        text.add(prefix);
        PrometheusText.number(value.value(), text);
        if (om != null) {
            om.add(prefix);
            PrometheusText.number(value.value(), om);
            // 0.0.4 wants milliseconds, OpenMetrics seconds.
            text.add((byte) ' ');
            text.add(Long.toString(value.timestamp()).getBytes(StandardCharsets.ISO_8859_1));
            om.add((byte) ' ');
            om.add(BigDecimal.valueOf(value.timestamp()).movePointLeft(3).toPlainString().getBytes(StandardCharsets.ISO_8859_1));
            om.add((byte) '\n');
        }
        text.add((byte) '\n');
    }

    /** Whether these values would write exactly the previous lines: same series in the same order, same numbers. */
    private static boolean sameLines(SeriesText previous, MetricValue[] values, boolean timestamps) {
        if (previous.series.length != values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            MetricValue before = previous.series[i];
            MetricValue now = values[i];
            if (Double.doubleToLongBits(before.value()) != Double.doubleToLongBits(now.value())
                    || timestamps && before.timestamp() != now.timestamp() || !sameSeries(before, now)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(List<MetricFamily> families, MetricFamily family) {
        for (MetricFamily f : families) {
            if (f == family || f.name().equals(family.name())) {
                return true;
            }
        }
        return false;
    }

    /** Same name and the same labels in the same order (values are compared, usually the same instances). */
    private static boolean sameSeries(MetricValue a, MetricValue b) {
        if (!a.name().equals(b.name())) {
            return false;
        }
        Map<String, String> x = a.labels();
        Map<String, String> y = b.labels();
        if (x == y) {
            return true;
        }
        if (x.size() != y.size()) {
            return false;
        }
        Iterator<Map.Entry<String, String>> i = x.entrySet().iterator();
        Iterator<Map.Entry<String, String>> j = y.entrySet().iterator();
        while (i.hasNext()) {
            Map.Entry<String, String> e = i.next();
            Map.Entry<String, String> f = j.next();
            if (!e.getKey().equals(f.getKey()) || !e.getValue().equals(f.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** {@code name{label="value",...} }, label values escaped: the untrusted part of a line, written once. */
    private static byte[] prefix(MetricValue value) {
        StringBuilder out = new StringBuilder(value.name().length() + 24 * value.labels().size() + 2);
        return PrometheusText.series(value.name(), value.labels(), out).append(' ').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A growable byte array without the locking of ByteArrayOutputStream. */
    static final class Bytes {
        byte[] bytes;
        int size;

        Bytes(int capacity) {
            bytes = new byte[Math.max(64, capacity)];
        }

        void add(byte b) {
            ensure(1);
            bytes[size++] = b;
        }

        void add(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toArray() {
            return bytes.length == size ? bytes : Arrays.copyOf(bytes, size);
        }
    }
}
