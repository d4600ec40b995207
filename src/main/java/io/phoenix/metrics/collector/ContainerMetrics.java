package io.phoenix.metrics.collector;

import java.time.Instant;
import java.util.List;

/** Every current value of one container, from all collectors. */
public record ContainerMetrics(String containerId, String containerName, Instant collectedAt, List<MetricValue> metrics) {

    public ContainerMetrics {
        metrics = List.copyOf(metrics);
    }
}
