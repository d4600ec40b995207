package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Series per container name follow the inventory like the containers' own: with the oom-by-name timer at an hour,
 * only a container's coming and going can make its name's line appear and leave. No runtime needed: the container is
 * put into the inventory by hand, on an endpoint nobody serves.
 */
@QuarkusTest
@TestProfile(InventoryFollowersTest.HourlyByName.class)
class InventoryFollowersTest {

    public static class HourlyByName implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.collectors.oom-by-name.interval", "1h");
        }
    }

    @Inject
    ContainerInventory inventory;

    @Test
    void aNameWithoutKillsLeavesWithItsLastContainer() {
        String id = "b1a4e7c0ffee" + "0".repeat(52);
        String name = "by-name-follows";
        inventory.put(new ContainerInfo(id, name, "busybox", Map.of(), ContainerState.RUNNING, Instant.now(), Instant.now(),
                null, 0, null, HealthStatus.NONE, null, RuntimeKind.DOCKER, "unix:///nonexistent/followers.sock"));
        // Generous: the first scrape of a fresh test JVM takes seconds (the HTTP client's start).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> Scrape.now().value("container_oom_kills_by_name_total", name).orElse(-1.0) == 0.0);

        inventory.remove(id);
        // The page may be 100 ms older than the store; the name leaves in the same write as the container.
        await().atMost(Duration.ofMillis(400)).pollInterval(Duration.ofMillis(20))
                .until(() -> !Scrape.now().mentions(name));
        assertTrue(Scrape.now().value("container_oom_kills_by_name_total", name).isEmpty());
    }
}
