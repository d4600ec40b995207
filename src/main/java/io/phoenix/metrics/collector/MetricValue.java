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
                PrometheusText.escape(label.getValue(), line, true);
                line.append('"');
            }
            line.append('}');
        }
        return line.append(' ').append(PrometheusText.number(value, true)).append(' ').append(timestamp).toString();
    }
}
