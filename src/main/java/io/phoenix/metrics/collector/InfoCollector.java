package io.phoenix.metrics.collector;

import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.gauge;

/**
 * {@code container_info} = 1 with the metadata labels (pod, namespace, chosen container labels), so the other
 * series stay lean: join with {@code * on(container_id) group_left(pod, namespace) container_info}.
 */
public final class InfoCollector extends TableCollector {

    static final List<MetricDefinition<ContainerSnapshot>> METRICS = List.of(
            gauge("container_info", null, "Always 1; carries the container's metadata labels.", s -> 1));

    public InfoCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        return emit(METRICS, snapshot, labels(snapshot.metadataLabels(), null, null), snapshot.now().toEpochMilli());
    }
}
