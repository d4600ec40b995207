package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code metrics.collectors.<name>.*} over the {@code metrics.*} defaults, checked: a bad value stops start-up
 * with a message naming the key and the value.
 */
public final class CollectorSettings {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Labels the agent sets itself; a custom label must not overwrite them. */
    private static final Set<String> RESERVED = Set.of("container_id", "container_name", "image", "runtime", "interface",
            "device", "pod", "namespace", "container", "pod_uid");

    private CollectorSettings() {
    }

    /**
     * Configurations of every instance to create: one per built-in or custom bean name (configured or not), and one
     * per other configured name with an explicit {@code type}.
     *
     * @param knownTypes what the factory can make
     * @param beanNames  names of collectors that are CDI beans (configured, not made)
     */
    public static List<CollectorConfig> resolve(MetricsConfig config, Set<String> knownTypes, Set<String> beanNames) {
        checkDefaults(config);
        List<CollectorConfig> result = new ArrayList<>();
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(CollectorFactory.builtInTypes());
        names.addAll(beanNames);
        names.addAll(config.collectors().keySet());
        for (String name : names) {
            MetricsConfig.CollectorSettings settings = config.collectors().get(name);
            String type = settings == null ? name : settings.type().orElse(name);
            if (!knownTypes.contains(type) && !beanNames.contains(type)) {
                throw new IllegalArgumentException("metrics.collectors." + name + (settings != null && settings.type().isPresent()
                        ? ".type=" + type : "") + ": unknown collector type '" + type + "' (known: "
                        + String.join(", ", knownTypes) + (beanNames.isEmpty() ? "" : ", " + String.join(", ", beanNames)) + ")");
            }
            result.add(validated(of(name, type, config, settings), "metrics.collectors." + name));
        }
        return result;
    }

    private static CollectorConfig of(String name, String type, MetricsConfig defaults, MetricsConfig.CollectorSettings s) {
        Optional<MetricsConfig.CollectorSettings> o = Optional.ofNullable(s);
        return new CollectorConfig(name, type,
                o.flatMap(MetricsConfig.CollectorSettings::enabled).orElse(true),
                o.flatMap(MetricsConfig.CollectorSettings::interval).orElse(defaults.collectionInterval()),
                o.flatMap(MetricsConfig.CollectorSettings::timeout).orElse(defaults.timeout()),
                o.flatMap(MetricsConfig.CollectorSettings::retryAttempts).orElse(defaults.retryAttempts()),
                o.flatMap(MetricsConfig.CollectorSettings::retryDelay).orElse(defaults.retryDelay()),
                o.map(MetricsConfig.CollectorSettings::customLabels).orElse(Map.of()),
                parameters(type, defaults, o.map(MetricsConfig.CollectorSettings::parameters).orElse(Map.of())));
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
