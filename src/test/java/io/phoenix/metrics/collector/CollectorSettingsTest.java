package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration as start-up reads it: the real mapping, the real converters, our checks on top. */
class CollectorSettingsTest {

    private static MetricsConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(MetricsConfig.class)
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 500))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .addDefaultInterceptors()
                .build();
        return config.getConfigMapping(MetricsConfig.class);
    }

    private static List<CollectorConfig> resolve(Map<String, String> properties) {
        return CollectorConfigResolver.resolve(config(properties), new CollectorFactory().types());
    }

    private static String failure(Map<String, String> properties) {
        return assertThrows(RuntimeException.class, () -> resolve(properties)).getMessage();
    }

    @Test
    void defaultsApplyAndPerCollectorValuesOverrideThem() {
        List<CollectorConfig> configs = resolve(Map.of(
                "metrics.collection-interval", "2s",
                "metrics.collectors.cpu.interval", "500ms",
                "metrics.collectors.cpu.custom-labels.team", "core",
                "metrics.collectors.disk.enabled", "false",
                "metrics.collectors.system.parameters.proc-root", "/host/proc"));
        Map<String, CollectorConfig> byName = new HashMap<>();
        configs.forEach(c -> byName.put(c.name(), c));
        assertEquals(CollectorFactory.builtInTypes(), configs.stream().map(CollectorConfig::name).toList());
        assertEquals(Duration.ofMillis(500), byName.get("cpu").interval());
        assertEquals(Duration.ofSeconds(2), byName.get("memory").interval());
        assertEquals(Map.of("team", "core"), byName.get("cpu").customLabels());
        assertFalse(byName.get("disk").enabled());
        assertEquals("/host/proc", byName.get("system").parameter("proc-root", "/proc"));
        assertEquals("/somewhere/proc", resolve(Map.of("metrics.proc.root", "/somewhere/proc")).stream()
                .filter(c -> c.name().equals("system")).findFirst().orElseThrow().parameter("proc-root", "/proc"),
                "follows metrics.proc.root by default");
    }

    @Test
    void aSecondInstanceOfATypeIsConfiguredByName() {
        List<CollectorConfig> configs = resolve(Map.of("metrics.collectors.cpu-fast.type", "cpu",
                "metrics.collectors.cpu-fast.interval", "250ms"));
        CollectorConfig fast = configs.stream().filter(c -> c.name().equals("cpu-fast")).findFirst().orElseThrow();
        assertEquals("cpu", fast.type());
        assertEquals(Duration.ofMillis(250), fast.interval());
    }

    @Test
    void negativeIntervalNamesKeyAndValue() {
        String message = failure(Map.of("metrics.collectors.cpu.interval", "-1s"));
        assertTrue(message.contains("metrics.collectors.cpu.interval=-1s"), message);
        assertTrue(failure(Map.of("metrics.collection-interval", "0s")).contains("metrics.collection-interval=0s"));
    }

    @Test
    void unknownCollectorTypeNamesKeyAndValue() {
        String message = failure(Map.of("metrics.collectors.gpu.enabled", "true"));
        assertTrue(message.contains("metrics.collectors.gpu") && message.contains("unknown collector type 'gpu'"), message);
        String typed = failure(Map.of("metrics.collectors.x.type", "quantum"));
        assertTrue(typed.contains("metrics.collectors.x.type=quantum"), typed);
    }

    @Test
    void unparsableDurationNamesKeyAndValue() {
        String message = assertThrows(RuntimeException.class, () -> config(Map.of("metrics.collectors.cpu.interval", "soon"))
                .collectors().get("cpu").interval()).getMessage();
        assertTrue(message.contains("metrics.collectors.cpu.interval") && message.contains("soon"), message);
    }

    @Test
    void customLabelsMustBeValidAndNotShadowOurs() {
        assertTrue(failure(Map.of("metrics.collectors.cpu.custom-labels.image", "x")).contains("reserved"));
        assertTrue(failure(Map.of("metrics.collectors.cpu.custom-labels.__x", "x")).contains("custom-labels.__x"));
        assertTrue(failure(Map.of("metrics.retry-attempts", "-1")).contains("metrics.retry-attempts=-1"));
    }

    @Test
    void builderAndFactoryMakeConfiguredInstancesAndAcceptNewTypes() {
        CollectorFactory factory = new CollectorFactory();
        MetricsCollector fast = new CollectorBuilder(factory).name("cpu-fast").interval(Duration.ofMillis(250))
                .customLabels(Map.of("team", "core")).parameters(Map.of("k", "v")).build("cpu");
        assertTrue(fast instanceof CpuCollector);
        assertEquals("cpu-fast", fast.config().name());
        assertEquals("cpu", fast.config().type());
        assertEquals(Duration.ofMillis(250), fast.config().interval());
        assertEquals(Map.of("team", "core"), fast.config().customLabels());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CollectorBuilder(factory).build("gpu"))
                .getMessage().contains("unknown collector type 'gpu'"));
        assertThrows(IllegalArgumentException.class,
                () -> new CollectorBuilder(factory).interval(Duration.ofSeconds(-1)).build("cpu"));

        factory.registerCollectorType("constant", config -> new ConfiguredCollector(config) {
        });
        MetricsCollector constant = new CollectorBuilder(factory).build("constant");
        assertEquals("constant", constant.config().type());
        assertEquals("constant", constant.name(), "the default instance is named after its type");
        assertThrows(NullPointerException.class, () -> new CpuCollector(null), "no collector without its configuration");
    }

    @Test
    void aTypeOffByDefaultIsOffUnlessConfiguredOn() {
        CollectorFactory factory = new CollectorFactory();
        factory.registerCollectorType(new CollectorType("quiet", false, config -> new ConfiguredCollector(config) {
        }));
        Map<String, CollectorConfig> off = new HashMap<>();
        CollectorConfigResolver.resolve(config(Map.of()), factory.types()).forEach(c -> off.put(c.name(), c));
        assertFalse(off.get("quiet").enabled());
        assertTrue(off.get("cpu").enabled());
        assertTrue(CollectorConfigResolver.resolve(config(Map.of("metrics.collectors.quiet.enabled", "true")), factory.types())
                .stream().filter(c -> c.name().equals("quiet")).findFirst().orElseThrow().enabled());
    }
}
