package io.phoenix.metrics.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code container_oom_kills_by_name_total}: OOM kills per container name, kept when the container is replaced by
 * a new one of the same name (which starts the per-container counters at 0 again). See {@link OomTally}.
 */
public final class OomByNameCollector extends ConfiguredCollector implements SystemMetricsCollector {

    static final MetricDefinition<Long> KILLS = MetricDefinition.counter("container_oom_kills_by_name_total", null,
            "OOM kills of containers of this name (and image, runtime, pod), whichever container of the name was killed: "
                    + "engine oom events, the kernel's oom_kill count and OOMKilled exits, each kill once.",
            Long::valueOf);

    private final OomTally tally;

    OomByNameCollector(CollectorConfig config, OomTally tally) {
        super(config);
        this.tally = tally;
    }

    @Override
    public List<MetricValue> collect() {
        long now = System.currentTimeMillis();
        List<MetricValue> out = new ArrayList<>();
        for (Map.Entry<Map<String, String>, Long> entry : tally.byName().entrySet()) {
            out.add(KILLS.valueOf(entry.getValue(), withCustomLabels(entry.getKey()), now));
        }
        return out;
    }

    /** A name whose last container went without a kill leaves at once, like that container's series. */
    @Override
    public boolean followsInventory() {
        return true;
    }
}
