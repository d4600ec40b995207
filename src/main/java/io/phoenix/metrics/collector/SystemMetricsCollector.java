package io.phoenix.metrics.collector;

import java.util.List;

/** A collector of host-wide values, called once per interval from a worker thread. */
public interface SystemMetricsCollector extends MetricsCollector {

    List<MetricValue> collect() throws Exception;
}
