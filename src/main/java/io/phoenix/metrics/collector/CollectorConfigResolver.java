package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code metrics.collectors.<name>.*} over the {@code metrics.*} defaults, checked: a bad value stops start-up
 * with a message naming the key and the value.
 */
public final class CollectorConfigResolver {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Labels the agent sets itself; a custom label must not overwrite them. */
    private static final Set<String> RESERVED = Set.of("container_id", "container_name", "image", "runtime", "interface",
            "device", "pod", "namespace", "container", "pod_uid");

    private CollectorConfigResolver() {
    }

    /**
     * Configurations of every instance to create: one per known type (its default instance, configured or not), and
     * one per other configured name with an explicit {@code type}.
     */
    public static List<CollectorConfig> resolve(MetricsConfig config, Collection<CollectorType> knownTypes) {
        checkDefaults(config);
        Map<String, CollectorType> types = new LinkedHashMap<>();
        knownTypes.forEach(t -> types.put(t.name(), t));
        List<CollectorConfig> result = new ArrayList<>();
        LinkedHashSet<String> names = new LinkedHashSet<>(types.keySet());
        names.addAll(config.collectors().keySet());
        for (String name : names) {
            MetricsConfig.CollectorSettings settings = config.collectors().get(name);
            String typeName = settings == null ? name : settings.type().orElse(name);
            CollectorType type = types.get(typeName);
            if (type == null) {
                throw new IllegalArgumentException("metrics.collectors." + name + (settings != null && settings.type().isPresent()
                        ? ".type=" + typeName : "") + ": unknown collector type '" + typeName + "' (known: "
                        + String.join(", ", types.keySet()) + ")");
            }
            result.add(validated(of(name, type, config, settings), "metrics.collectors." + name));
        }
        return result;
    }

    private static CollectorConfig of(String name, CollectorType type, MetricsConfig defaults, MetricsConfig.CollectorSettings s) {
        Optional<MetricsConfig.CollectorSettings> o = Optional.ofNullable(s);
        return new CollectorConfig(name, type.name(),
                o.flatMap(MetricsConfig.CollectorSettings::enabled).orElse(type.enabledByDefault()),
                o.flatMap(MetricsConfig.CollectorSettings::interval).orElse(defaults.collectionInterval()),
                o.flatMap(MetricsConfig.CollectorSettings::timeout).orElse(defaults.timeout()),
                o.flatMap(MetricsConfig.CollectorSettings::retryAttempts).orElse(defaults.retryAttempts()),
                o.flatMap(MetricsConfig.CollectorSettings::retryDelay).orElse(defaults.retryDelay()),
                o.map(MetricsConfig.CollectorSettings::customLabels).orElse(Map.of()),
                parameters(type.name(), defaults, o.map(MetricsConfig.CollectorSettings::parameters).orElse(Map.of())));
    }

    /** The host collector reads the same /proc as the cgroup source unless told otherwise (a DaemonSet's /host/proc). */
    private static Map<String, String> parameters(String type, MetricsConfig defaults, Map<String, String> configured) {
        if (!type.equals("system") || configured.containsKey("proc-root")) {
            return configured;
        }
        Map<String, String> withRoot = new java.util.LinkedHashMap<>(configured);
        withRoot.put("proc-root", defaults.proc().root());
        return withRoot;
    }

    private static void checkDefaults(MetricsConfig config) {
        positive("metrics.collection-interval", config.collectionInterval());
        positive("metrics.timeout", config.timeout());
        notNegative("metrics.retry-delay", config.retryDelay());
        if (config.retryAttempts() < 0) {
            throw new IllegalArgumentException("metrics.retry-attempts=" + config.retryAttempts() + ": must be 0 or more");
        }
        if (config.unhealthyAfter() < 1) {
            throw new IllegalArgumentException("metrics.unhealthy-after=" + config.unhealthyAfter() + ": must be 1 or more");
        }
    }

    /** Checks one instance's values; {@code key} is the config prefix to name in the message. */
    static CollectorConfig validated(CollectorConfig c, String key) {
        positive(key + ".interval", c.interval());
        positive(key + ".timeout", c.timeout());
        notNegative(key + ".retry-delay", c.retryDelay());
        if (c.retryAttempts() < 0) {
            throw new IllegalArgumentException(key + ".retry-attempts=" + c.retryAttempts() + ": must be 0 or more");
        }
        for (String label : c.customLabels().keySet()) {
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException(key + ".custom-labels." + label + ": not a valid Prometheus label name");
            }
            if (RESERVED.contains(label)) {
                throw new IllegalArgumentException(key + ".custom-labels." + label + ": reserved, the agent sets this label itself");
            }
        }
        return c;
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + "=" + human(value) + ": must be positive");
        }
    }

    private static void notNegative(String key, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(key + "=" + human(value) + ": must not be negative");
        }
    }

    /** "-1s" rather than Java's "PT-1S". */
    private static String human(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }
}
