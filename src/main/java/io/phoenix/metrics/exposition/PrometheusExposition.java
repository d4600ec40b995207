package io.phoenix.metrics.exposition;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.config.MetricsConfig;
import io.prometheus.client.Collector;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Container and host families on /metrics, beside the service's own (JVM, HTTP, self-metrics): registered into
 * the Prometheus registry Micrometer serves, so one response carries everything and the Prometheus client does
 * the format work (0.0.4 text or OpenMetrics by Accept, HELP/TYPE, label escaping).
 *
 * <p>A scrape reads the {@link MetricStore} only. The families are rebuilt when the store changed since the last
 * scrape and reused otherwise.
 */
@ApplicationScoped
public class PrometheusExposition extends Collector {

    @Inject
    PrometheusMeterRegistry registry;
    @Inject
    MetricStore store;
    @Inject
    MetricsConfig config;

    private volatile Cached cached = new Cached(-1, List.of());

    private record Cached(long version, List<MetricFamilySamples> families) {
    }

    void register(@Observes StartupEvent event) {
        registry.getPrometheusRegistry().register(this);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long version = store.version();
        Cached current = cached;
        if (current.version() == version) {
            return current.families();
        }
        List<MetricFamilySamples> families = build(store.all(), config.exposition().timestamps());
        cached = new Cached(version, families);
        return families;
    }

    /** Groups values into families by name, in first-seen order; counters lose "_total" in the family name, as the client expects. */
    static List<MetricFamilySamples> build(List<MetricValue> values, boolean timestamps) {
        Map<String, List<MetricValue>> byName = new LinkedHashMap<>();
        for (MetricValue value : values) {
            byName.computeIfAbsent(value.name(), n -> new ArrayList<>()).add(value);
        }
        List<MetricFamilySamples> families = new ArrayList<>(byName.size());
        for (List<MetricValue> series : byName.values()) {
            MetricValue first = series.get(0);
            boolean counter = first.type() == MetricType.COUNTER;
            String family = counter ? first.name().substring(0, first.name().length() - "_total".length()) : first.name();
            List<MetricFamilySamples.Sample> samples = new ArrayList<>(series.size());
            for (MetricValue value : series) {
                samples.add(new MetricFamilySamples.Sample(value.name(), List.copyOf(value.labels().keySet()),
                        List.copyOf(value.labels().values()), value.value(), timestamps ? value.timestamp() : null));
            }
            families.add(new MetricFamilySamples(family, first.unit() == null ? "" : first.unit(), counter ? Type.COUNTER : Type.GAUGE, first.help(), samples));
        }
        return families;
    }
}
