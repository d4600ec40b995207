package io.phoenix.metrics.exposition;

import io.phoenix.metrics.collector.MetricValue;
import io.prometheus.client.Collector;

import java.util.List;

/** Test access to the package-private family builder. */
public final class PrometheusExpositionAccess {

    private PrometheusExpositionAccess() {
    }

    public static List<Collector.MetricFamilySamples> build(List<MetricValue> values, boolean timestamps) {
        return PrometheusExposition.build(values, timestamps);
    }
}
