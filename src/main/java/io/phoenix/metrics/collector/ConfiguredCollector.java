package io.phoenix.metrics.collector;

import java.util.LinkedHashMap;
import java.util.Map;

/** Keeps the configuration a collector was initialized with; a base for collectors that need nothing else at start. */
public abstract class ConfiguredCollector implements MetricsCollector {

    private CollectorConfig config;

    @Override
    public void initialize(CollectorConfig config) {
        this.config = config;
    }

    @Override
    public CollectorConfig config() {
        return config;
    }

    /** The given labels followed by this collector's custom labels. */
    protected Map<String, String> withCustomLabels(Map<String, String> labels) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        if (config != null) {
            all.putAll(config.customLabels());
        }
        return all;
    }
}
