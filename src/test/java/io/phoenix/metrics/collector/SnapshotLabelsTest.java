package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.stats.SampleStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A container's labels are made once per record: every pass labels its series with the same maps, so that an
 * unchanged series is recognised by identity; a changed record (a rename) gets new ones.
 */
class SnapshotLabelsTest {

    private static ContainerInfo container(String name) {
        Instant at = Instant.parse("2026-11-30T12:00:00Z");
        return new ContainerInfo("ab12cd34ef56" + "0".repeat(52), name, "busybox:local", Map.of(), ContainerState.RUNNING,
                at, at, null, 0, null, HealthStatus.NONE, 42, RuntimeKind.DOCKER, "unix:///d.sock");
    }

    @Test
    void theSameRecordGetsTheSameLabelsAndAChangedOneNewOnes() {
        CollectorRegistry registry = new CollectorRegistry();
        registry.samples = new SampleStore();
        ContainerInfo web = container("web");
        ContainerSnapshot first = registry.snapshot(web, Instant.now());
        ContainerSnapshot second = registry.snapshot(web, Instant.now());
        assertSame(first.labels(), second.labels());
        assertSame(first.metadataLabels(), second.metadataLabels());

        ContainerSnapshot renamed = registry.snapshot(container("web-2"), Instant.now());
        assertNotSame(first.labels(), renamed.labels());
        assertEquals("web-2", renamed.labels().get("container_name"));

        registry.forget(web.id());
        assertNotSame(renamed.labels(), registry.snapshot(container("web-2"), Instant.now()).labels());
    }

    @Test
    void aCollectorWithoutCustomLabelsKeepsTheContainersMap() {
        CollectorRegistry registry = new CollectorRegistry();
        registry.samples = new SampleStore();
        ContainerSnapshot snapshot = registry.snapshot(container("web"), Instant.now());
        CpuCollector cpu = new CpuCollector(new CollectorConfig("cpu", "cpu", true, Duration.ofSeconds(1), Duration.ofSeconds(5), 0,
                Duration.ZERO, Map.of(), Map.of()));
        assertSame(snapshot.labels(), cpu.labels(snapshot.labels(), null, null));
    }
}
