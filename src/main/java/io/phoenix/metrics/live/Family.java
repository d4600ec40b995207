package io.phoenix.metrics.live;

import io.phoenix.metrics.collector.MetricType;

/** A metric family as the compact stream declares it once: its number on the wire, then what it is. */
public record Family(int id, String name, MetricType type, String unit, String help) {
}
