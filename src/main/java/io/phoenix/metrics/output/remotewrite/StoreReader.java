package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricValue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one place that knows the store's shape: everything else here sees {@link Point}s. */
@ApplicationScoped
public class StoreReader {

    /** One series' current value. @param timestamp milliseconds since the epoch when it was read */
    public record Point(String name, Map<String, String> labels, double value, long timestamp) {
    }

    @Inject
    MetricStore store;

    public List<Point> read() {
        List<MetricValue> values = store.all();
        List<Point> points = new ArrayList<>(values.size());
        for (MetricValue v : values) {
            points.add(new Point(v.name(), v.labels(), v.value(), v.timestamp()));
        }
        return points;
    }
}
