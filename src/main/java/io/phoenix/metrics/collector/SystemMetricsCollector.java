package io.phoenix.metrics.collector;

import java.util.List;

/** A collector of host-wide values, called once per interval from a worker thread. */
public interface SystemMetricsCollector extends MetricsCollector {

    List<MetricValue> collect() throws Exception;

    /**
     * True when the values depend on which containers exist (series per container name, say): the collector then
     * also runs when a container comes or goes, so that its series follow removals as fast as the containers' own.
     * It then runs on the thread that reports the change, so it must be quick (a walk over a map, no I/O).
     */
    default boolean followsInventory() {
        return false;
    }
}
