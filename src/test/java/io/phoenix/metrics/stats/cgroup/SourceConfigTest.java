package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.config.MetricsConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** metrics.source and the roots: defaults, a bad value naming its key, and the auto/cgroup/api decision. */
class SourceConfigTest {

    private static MetricsConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(MetricsConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(MetricsConfig.class);
    }

    @Test
    void defaults() {
        MetricsConfig c = config(Map.of());
        assertEquals(MetricsConfig.Source.AUTO, c.source());
        assertEquals("/sys/fs/cgroup", c.cgroup().root());
        assertEquals("/proc", c.proc().root());
        assertFalse(c.cgroup().includeLoopback());
        assertEquals(MetricsConfig.Source.CGROUP, config(Map.of("metrics.source", "cgroup")).source());
        assertEquals(MetricsConfig.Source.API, config(Map.of("metrics.source", "api")).source());
    }

    @Test
    void aBadSourceFailsNamingTheKey() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> config(Map.of("metrics.source", "kernel")));
        String message = e.getMessage() + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("metrics.source"), message);
    }

    @Test
    void autoChoosesCgroupOnlyWhenBothFileSystemsAreReadable() {
        Path tree = CgroupTreesTest.tree("hybrid");
        CgroupLayout layout = CgroupLayout.detect(tree.resolve("sys/fs/cgroup"));
        assertTrue(SourceChoice.decide(MetricsConfig.Source.AUTO, layout, tree.resolve("proc")).cgroup());
        assertFalse(SourceChoice.decide(MetricsConfig.Source.API, layout, tree.resolve("proc")).cgroup());

        SourceChoice noProc = SourceChoice.decide(MetricsConfig.Source.AUTO, layout, tree.resolve("absent-proc"));
        assertFalse(noProc.cgroup());
        assertTrue(noProc.reason().contains("metrics.proc.root"), noProc.reason());

        CgroupLayout none = CgroupLayout.detect(tree.resolve("absent-cgroup"));
        assertFalse(SourceChoice.decide(MetricsConfig.Source.AUTO, none, tree.resolve("proc")).cgroup());
        IllegalStateException forced = assertThrows(IllegalStateException.class,
                () -> SourceChoice.decide(MetricsConfig.Source.CGROUP, none, tree.resolve("proc")));
        assertTrue(forced.getMessage().contains("metrics.cgroup.root"), forced.getMessage());
        assertTrue(forced.getMessage().contains("metrics.source=cgroup"), forced.getMessage());
    }
}
