package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.config.MetricsConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** metrics.remote-write.*: off by default, defaults, and each bad value failing with its key named. */
class RemoteWriteSettingsTest {

    @TempDir
    Path dir;

    private static Optional<RemoteWriteSettings> settings(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(MetricsConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return RemoteWriteSettings.from(config.getConfigMapping(MetricsConfig.class).remoteWrite());
    }

    private static Map<String, String> with(String... keyValues) {
        Map<String, String> map = new HashMap<>(Map.of("metrics.remote-write.url", "http://127.0.0.1:9/api/v1/write"));
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put("metrics.remote-write." + keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static void failsNaming(String key, Map<String, String> properties) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(properties));
        assertTrue(e.getMessage().startsWith("metrics.remote-write." + key), e.getMessage());
    }

    @Test
    void offByDefaultAndTheDefaults() {
        assertTrue(settings(Map.of()).isEmpty());
        RemoteWriteSettings s = settings(with()).orElseThrow();
        assertEquals(Duration.ofSeconds(15), s.pushInterval());
        assertEquals(Duration.ofMinutes(15), s.bufferDuration());
        assertEquals(64L << 20, s.bufferBytes());
        assertEquals(2000, s.maxSamplesPerSend());
        assertEquals(Map.of("node", RemoteWriteSettings.hostName()), s.externalLabels());
        assertInstanceOf(RemoteWriteSettings.Credentials.None.class, s.credentials());
        assertEquals(Map.of("node", "edge-7", "site", "b"),
                settings(with("external-labels.node", "edge-7", "external-labels.site", "b")).orElseThrow().externalLabels());
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        failsNaming("url", with("url", "mimir:9009/api/v1/push"));
        failsNaming("url", with("url", "https://user:secret@mimir/api/v1/push"));
        failsNaming("max-samples-per-send", with("max-samples-per-send", "0"));
        failsNaming("push-interval", with("push-interval", "0s"));
        failsNaming("buffer-duration", with("push-interval", "1m", "buffer-duration", "30s"));
        failsNaming("buffer-bytes", with("buffer-bytes", "1K"));
        failsNaming("buffer-bytes", with("buffer-bytes", "lots"));
        assertEquals(512 * 1024, settings(with("buffer-bytes", "512K")).orElseThrow().bufferBytes());
        failsNaming("max-backoff", with("min-backoff", "1s", "max-backoff", "100ms"));
        failsNaming("external-labels.__x", with("external-labels.__x", "1"));
        RuntimeException empty = assertThrows(RuntimeException.class, () -> settings(with("external-labels.node", "")));
        assertTrue(empty.getMessage().contains("metrics.remote-write.external-labels.node"), empty.getMessage());
        failsNaming("bearer-token-file", with("bearer-token-file", dir.resolve("absent").toString()));
        failsNaming("tls.ca-file", with("tls.ca-file", dir.resolve("absent.pem").toString()));
        Path token = Files.writeString(dir.resolve("token"), "t0k3n\n");
        failsNaming("basic-auth", with("bearer-token-file", token.toString(),
                "basic-auth.username", "u", "basic-auth.password-file", token.toString()));
        failsNaming("tls.ca-file", with("tls.ca-file", token.toString()));
        failsNaming("headers.Content-Encoding", with("headers.Content-Encoding", "gzip"));
        assertEquals(Map.of("X-Scope-OrgID", "t1"), settings(with("headers.X-Scope-OrgID", "t1")).orElseThrow().headers());
    }

    @Test
    void credentialsAreReadFromFiles() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0k3n\n");
        RemoteWriteSettings bearer = settings(with("bearer-token-file", token.toString())).orElseThrow();
        assertEquals(new RemoteWriteSettings.Credentials.Bearer(token), bearer.credentials());
        RemoteWriteSettings basic = settings(with("basic-auth.username", "agent",
                "basic-auth.password-file", token.toString())).orElseThrow();
        assertEquals(new RemoteWriteSettings.Credentials.Basic("agent", token), basic.credentials());
        assertEquals("http://127.0.0.1:9/api/v1/write", basic.displayUrl());
    }
}
