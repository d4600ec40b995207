package io.phoenix.metrics.collector;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The text format's rules every writer here shares: how to escape a string, how to write a series' name and labels,
 * and how to write a number.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * Backslash and line feed always; the double quote too where {@code quotes} (label values, and OpenMetrics'
     * HELP). Container names and labels are untrusted: nothing else may end a value early.
     */
    public static void escape(String value, StringBuilder out, boolean quotes) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '"' && quotes) {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
    }

    /** {@code name{label="value",...}}, label values escaped; just the name without labels. */
    public static StringBuilder series(String name, Map<String, String> labels, StringBuilder out) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(label.getKey()).append("=\"");
                escape(label.getValue(), out, true);
                out.append('"');
            }
            out.append('}');
        }
        return out;
    }

    /**
     * Integers without a fraction, NaN and ±Inf as the format spells them; other values as Java prints them, or
     * with {@code plain} as plain digits (1795573918.586, not 1.795573918586E9), for text that people read.
     */
    public static String number(double value, boolean plain) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return plain ? BigDecimal.valueOf(value).toPlainString() : Double.toString(value);
    }

    /** {@link #number(double, boolean) number(value, false)} appended as ASCII; integers digit by digit, no garbage. */
    static void number(double value, SeriesText.Bytes out) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            long v = (long) value;
            if (v < 0) {
                out.add((byte) '-');
                v = -v;
            }
            int digits = 1;
            for (long rest = v / 10; rest > 0; rest /= 10) {
                digits++;
            }
            out.ensure(digits);
            for (int i = out.size + digits - 1; i >= out.size; i--) {
                out.bytes[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            out.size += digits;
            return;
        }
        out.add(number(value, false).getBytes(StandardCharsets.ISO_8859_1));
    }
}
