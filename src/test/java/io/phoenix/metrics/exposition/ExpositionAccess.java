package io.phoenix.metrics.exposition;

import io.phoenix.metrics.collector.MetricValue;

import java.util.List;

/** Test access to the package-private renderer. */
public final class ExpositionAccess {

    private ExpositionAccess() {
    }

    public static byte[] write(List<MetricValue> values, boolean openMetrics, boolean timestamps) {
        return PrometheusExposition.write(values, openMetrics, timestamps);
    }
}
