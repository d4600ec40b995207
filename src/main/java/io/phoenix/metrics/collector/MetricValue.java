package io.phoenix.metrics.collector;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One value of one series at one moment: the family it belongs to (name, help, type, unit, shared by all its
 * series), its labels, the value and when it was read. The JSON of REST and SSE still spells the family's fields
 * out per value, as it always has.
 *
 * @param timestamp milliseconds since the epoch when the value was read
 * @param labels    in exposition order
 */
@JsonPropertyOrder({"name", "value", "type", "unit", "timestamp", "labels", "help"})
public record MetricValue(@JsonIgnore MetricFamily family, double value, long timestamp, Map<String, String> labels) {

    public MetricValue {
        labels = frozen(labels);
    }

    /**
     * An immutable copy of some labels, which values built from it keep as they are instead of copying again: a
     * collector labels a container's dozens of series with one map.
     */
    public static Map<String, String> frozen(Map<String, String> labels) {
        return labels instanceof Frozen ? labels : new Frozen(labels);
    }

    private static final class Frozen extends AbstractMap<String, String> {
        private final Map<String, String> labels;

        Frozen(Map<String, String> labels) {
            this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return labels.entrySet();
        }

        @Override
        public String get(Object key) {
            return labels.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return labels.containsKey(key);
        }

        @Override
        public int size() {
            return labels.size();
        }
    }

    @JsonProperty
    public String name() {
        return family.name();
    }

    @JsonProperty
    public MetricType type() {
        return family.type();
    }

    @JsonProperty
    public String unit() {
        return family.unit();
    }

    @JsonProperty
    public String help() {
        return family.help();
    }

    /** The seed's line format: {@code name{label="value",...} value timestamp_ms}, label values escaped. */
    public String toPrometheusFormat() {
        StringBuilder line = PrometheusText.series(family.name(), labels, new StringBuilder());
        return line.append(' ').append(PrometheusText.number(value, true)).append(' ').append(timestamp).toString();
    }
}
