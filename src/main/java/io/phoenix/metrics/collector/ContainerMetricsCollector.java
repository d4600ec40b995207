package io.phoenix.metrics.collector;

import java.util.List;

/**
 * A collector of per-container values. Called once per container per interval, from a worker thread; it must
 * not call the runtimes (everything it needs is in the snapshot). Return an empty list for nothing.
 */
public interface ContainerMetricsCollector extends MetricsCollector {

    List<MetricValue> collect(ContainerSnapshot snapshot);
}
