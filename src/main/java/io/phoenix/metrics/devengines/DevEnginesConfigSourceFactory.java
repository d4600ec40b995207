package io.phoenix.metrics.devengines;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * In the dev profile only: when nothing names an engine and auto-detection would find none, starts the private
 * engines ({@link DevEngines}) and supplies {@code metrics.runtimes} for them, below every user setting. Off with
 * {@code phoenix.dev.engines=false} (or Quarkus' {@code quarkus.devservices.enabled=false}).
 */
public final class DevEnginesConfigSourceFactory implements ConfigSourceFactory {

    static final String ENABLED = "phoenix.dev.engines";
    private static final int ORDINAL = 150; // below application.properties (250), environment and system properties

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!wanted(context.getProfiles(), name -> value(context, name))) {
            return List.of();
        }
        DevEngines engines = DevEngines.system();
        if (engines.anySocketFound()) {
            return List.of();
        }
        return engines.start()
                .<Iterable<ConfigSource>>map(runtimes -> List.of(new PropertiesConfigSource(
                        Map.of("metrics.runtimes", runtimes), "phoenix dev engines", ORDINAL)))
                .orElse(List.of());
    }

    /** Dev profile, not switched off, and no engine configured by hand. */
    static boolean wanted(List<String> profiles, Function<String, String> config) {
        return profiles.contains("dev")
                && !"false".equalsIgnoreCase(config.apply(ENABLED))
                && !"false".equalsIgnoreCase(config.apply("quarkus.devservices.enabled"))
                && !"false".equalsIgnoreCase(config.apply("metrics.autodetect"))
                && config.apply("metrics.runtimes") == null;
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null ? null : value.getValue();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
