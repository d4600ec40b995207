package io.phoenix.metrics.collector;

import java.util.List;

/**
 * A collector of per-container values. Called once per container per interval, from a worker thread; it must
 * not call the runtimes (everything it needs is in the snapshot). Return an empty list for nothing.
 */
public interface ContainerMetricsCollector extends MetricsCollector {

    List<MetricValue> collect(ContainerSnapshot snapshot);

    /**
     * Whether {@link #collect}'s values follow from the snapshot's record, labels and sample counters alone, each
     * stamped with the newest sample's time or with the snapshot's {@code now}. Then the collector is not run again on
     * a container that reads as it did last time: its values stay and are re-stamped. Say no when the values read the
     * clock, the agent's state or anything else.
     */
    default boolean followsSamples() {
        return false;
    }
}
