package io.phoenix.metrics.collector;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of one collector instance, resolved from {@code metrics.collectors.<name>.*} over the defaults.
 *
 * @param name          instance name (also the config key)
 * @param type          which implementation; the name itself for the built-ins
 * @param customLabels  added to every series the collector emits
 * @param parameters    collector-specific settings
 */
public record CollectorConfig(String name, String type, boolean enabled, Duration interval, Duration timeout,
                              int retryAttempts, Duration retryDelay, Map<String, String> customLabels,
                              Map<String, String> parameters) {

    public CollectorConfig {
        customLabels = Map.copyOf(customLabels);
        parameters = Map.copyOf(parameters);
    }

    public String parameter(String key, String fallback) {
        return parameters.getOrDefault(key, fallback);
    }
}
