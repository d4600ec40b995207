package io.phoenix.metrics.collector;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Makes collectors by type name. Knows the built-ins ({@link #BUILT_IN}, the one list of them) and whatever is
 * registered on it; the {@link CollectorRegistry} registers the CDI-provided custom types and creates every instance
 * the configuration asks for through {@link #create}.
 */
public final class CollectorFactory {

    /** The built-in collector types, in the order their series appear on /metrics. */
    public static final List<CollectorType> BUILT_IN = List.of(
            new CollectorType("cpu", true, CpuCollector::new),
            new CollectorType("memory", true, MemoryCollector::new),
            new CollectorType("network", true, NetworkCollector::new),
            new CollectorType("disk", true, DiskCollector::new),
            new CollectorType("pressure", true, PressureCollector::new),
            new CollectorType("oom", true, OomCollector::new),
            new CollectorType("lifecycle", true, LifecycleCollector::new),
            new CollectorType("info", true, InfoCollector::new),
            new CollectorType("system", true, SystemCollector::new));

    private final Map<String, CollectorType> types = new LinkedHashMap<>();

    public CollectorFactory() {
        BUILT_IN.forEach(this::registerCollectorType);
    }

    public static List<String> builtInTypes() {
        return BUILT_IN.stream().map(CollectorType::name).toList();
    }

    public synchronized void registerCollectorType(CollectorType type) {
        types.put(type.name(), type);
    }

    /** Shorthand for a type that is on by default. */
    public void registerCollectorType(String name, Function<CollectorConfig, ? extends MetricsCollector> create) {
        registerCollectorType(new CollectorType(name, true, create));
    }

    public synchronized Collection<CollectorType> types() {
        return Collections.unmodifiableCollection(List.copyOf(types.values()));
    }

    /** A new collector of {@code config.type()}, created with that configuration. */
    public synchronized MetricsCollector create(CollectorConfig config) {
        CollectorType type = types.get(config.type());
        if (type == null) {
            throw new IllegalArgumentException("unknown collector type '" + config.type() + "' (known: "
                    + String.join(", ", types.keySet()) + ")");
        }
        return type.create().apply(config);
    }
}
