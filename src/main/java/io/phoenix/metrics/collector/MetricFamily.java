package io.phoenix.metrics.collector;

import java.util.regex.Pattern;

/**
 * What a metric is, said once: name, help, type and unit. Exposition writes it as the family's HELP/TYPE/UNIT
 * lines; each {@link MetricValue} only points at it.
 *
 * @param unit base unit (seconds, bytes, percent), the name's suffix, or null when dimensionless
 */
public record MetricFamily(String name, String help, MetricType type, String unit) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public MetricFamily {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name " + name);
        }
        if (type == MetricType.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        String base = type == MetricType.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
        if (unit != null && !base.endsWith("_" + unit)) {
            throw new IllegalArgumentException(name + ": the unit (" + unit + ") must be the name's suffix");
        }
    }

    public static MetricFamily gauge(String name, String unit, String help) {
        return new MetricFamily(name, help, MetricType.GAUGE, unit);
    }

    public static MetricFamily counter(String name, String unit, String help) {
        return new MetricFamily(name, help, MetricType.COUNTER, unit);
    }
}
