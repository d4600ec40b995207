package io.phoenix.metrics.collector;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Keeps the configuration a collector was created with; a base for collectors that need nothing else. */
public abstract class ConfiguredCollector implements MetricsCollector {

    private final CollectorConfig config;

    protected ConfiguredCollector(CollectorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public final CollectorConfig config() {
        return config;
    }

    /**
     * The given labels followed by this collector's custom labels. Without custom labels, frozen labels come back as
     * they are: the same map every pass lets an unchanged series be recognised without comparing its labels.
     */
    protected Map<String, String> withCustomLabels(Map<String, String> labels) {
        if (config.customLabels().isEmpty()) {
            return MetricValue.frozen(labels);
        }
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.putAll(config.customLabels());
        return MetricValue.frozen(all);
    }
}
