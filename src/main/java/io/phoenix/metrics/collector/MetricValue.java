package io.phoenix.metrics.collector;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One value of one series at one moment.
 *
 * @param unit      base unit (seconds, bytes, percent) or null when dimensionless
 * @param timestamp milliseconds since the epoch when the value was read
 * @param labels    in exposition order
 */
public record MetricValue(String name, double value, MetricType type, String unit, long timestamp,
                          Map<String, String> labels, String help) {

    public MetricValue {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** The seed's line format: {@code name{label="value",...} value timestamp_ms}, label values escaped. */
    public String toPrometheusFormat() {
        StringBuilder line = new StringBuilder(name);
        if (!labels.isEmpty()) {
            line.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!first) {
                    line.append(',');
                }
                first = false;
                line.append(label.getKey()).append("=\"");
                escape(label.getValue(), line);
                line.append('"');
            }
            line.append('}');
        }
        return line.append(' ').append(formatValue(value)).append(' ').append(timestamp).toString();
    }

    /** Backslash, double quote and line feed are the three characters the text format requires escaped. */
    static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        // Plain digits (1795573918.586, not 1.795573918586E9): the seed format is read by people too.
        return java.math.BigDecimal.valueOf(value).toPlainString();
    }
}
