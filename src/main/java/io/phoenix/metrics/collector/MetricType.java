package io.phoenix.metrics.collector;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Prometheus metric types the agent emits. Counters only ever grow for the life of a container. */
public enum MetricType {
    GAUGE, COUNTER;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
