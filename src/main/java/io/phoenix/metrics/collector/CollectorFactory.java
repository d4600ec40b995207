package io.phoenix.metrics.collector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/** Makes collectors by type name. The built-ins are registered; users add theirs with {@link #registerCollectorType}. */
public final class CollectorFactory {

    private final Map<String, Supplier<? extends MetricsCollector>> types = new LinkedHashMap<>();

    public CollectorFactory() {
        registerCollectorType("cpu", CpuCollector::new);
        registerCollectorType("memory", MemoryCollector::new);
        registerCollectorType("network", NetworkCollector::new);
        registerCollectorType("disk", DiskCollector::new);
        registerCollectorType("pressure", PressureCollector::new);
        registerCollectorType("oom", OomCollector::new);
        registerCollectorType("lifecycle", LifecycleCollector::new);
        registerCollectorType("info", InfoCollector::new);
        registerCollectorType("system", HostCollector::new);
    }

    public static List<String> builtInTypes() {
        return List.of("cpu", "memory", "network", "disk", "pressure", "oom", "lifecycle", "info", "system");
    }

    public synchronized void registerCollectorType(String type, Supplier<? extends MetricsCollector> constructor) {
        types.put(type, constructor);
    }

    public synchronized Set<String> types() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(types.keySet()));
    }

    /** A new, initialized collector of that type. */
    public synchronized MetricsCollector create(String type, CollectorConfig config) {
        Supplier<? extends MetricsCollector> constructor = types.get(type);
        if (constructor == null) {
            throw new IllegalArgumentException("unknown collector type '" + type + "' (known: " + String.join(", ", types.keySet()) + ")");
        }
        MetricsCollector collector = constructor.get();
        collector.initialize(config);
        return collector;
    }

    /** One of each built-in, configured by {@code configFor(name)}. */
    public List<MetricsCollector> createDefaultCollectors(Function<String, CollectorConfig> configFor) {
        List<MetricsCollector> collectors = new ArrayList<>();
        for (String type : builtInTypes()) {
            collectors.add(create(type, configFor.apply(type)));
        }
        return collectors;
    }
}
