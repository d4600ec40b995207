package io.phoenix.metrics.discovery;

import io.phoenix.metrics.config.MetricsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resync runs on a timer of our own: a value it cannot run at fails start-up, naming the key. */
class ResyncIntervalTest {

    @Test
    void aZeroIntervalFailsStartUpNamingTheKey() {
        DiscoveryService discovery = new DiscoveryService();
        discovery.config = new SmallRyeConfigBuilder()
                .withMapping(MetricsConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("metrics.discovery.resync-interval", "0s"), "test", 500))
                .build().getConfigMapping(MetricsConfig.class);
        String message = assertThrows(IllegalArgumentException.class, () -> discovery.onStart(null)).getMessage();
        assertTrue(message.startsWith("metrics.discovery.resync-interval=PT0S"), message);
    }
}
