package io.phoenix.metrics.collector;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fluent construction of a collector instance: {@code new CollectorBuilder(factory).name("x").interval(...).build("cpu")}. */
public final class CollectorBuilder {

    private final CollectorFactory factory;
    private String name;
    private boolean enabled = true;
    private Duration interval = Duration.ofSeconds(1);
    private Duration timeout = Duration.ofSeconds(5);
    private int retryAttempts = 2;
    private Duration retryDelay = Duration.ofMillis(200);
    private final Map<String, String> customLabels = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();

    public CollectorBuilder(CollectorFactory factory) {
        this.factory = factory;
    }

    public CollectorBuilder name(String name) {
        this.name = name;
        return this;
    }

    public CollectorBuilder enabled(boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    public CollectorBuilder interval(Duration interval) {
        this.interval = interval;
        return this;
    }

    public CollectorBuilder timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public CollectorBuilder retryAttempts(int retryAttempts) {
        this.retryAttempts = retryAttempts;
        return this;
    }

    public CollectorBuilder retryDelay(Duration retryDelay) {
        this.retryDelay = retryDelay;
        return this;
    }

    public CollectorBuilder customLabels(Map<String, String> labels) {
        this.customLabels.putAll(labels);
        return this;
    }

    public CollectorBuilder parameters(Map<String, String> parameters) {
        this.parameters.putAll(parameters);
        return this;
    }

    public CollectorConfig config(String type) {
        return CollectorConfigResolver.validated(new CollectorConfig(name == null ? type : name, type, enabled, interval, timeout,
                retryAttempts, retryDelay, customLabels, parameters), "collector " + (name == null ? type : name));
    }

    /** A collector of that type with the settings given so far; fails naming the setting that is wrong. */
    public MetricsCollector build(String type) {
        return factory.create(config(type));
    }
}
