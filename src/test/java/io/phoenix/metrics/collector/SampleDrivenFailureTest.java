package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.testing.FlakyContainerCollector;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One collection path: a collector that fails when a new sample asks for a container is counted and shown like a
 * failure of its timer pass would be. No runtime needed: the container is put into the inventory by hand, on an
 * endpoint nobody serves, so no stats source follows it.
 */
@QuarkusTest
class SampleDrivenFailureTest {

    private static final String ID = "f1a4e7c0ffee" + "0".repeat(52);

    @Inject
    ContainerInventory inventory;
    @Inject
    SampleStore samples;

    @AfterEach
    void cleanUp() {
        FlakyContainerCollector.FAIL_FOR.remove(ID);
        inventory.remove(ID);
    }

    @Test
    void aFailureOnASampleDrivenRefreshIsCountedAndShown() {
        FlakyContainerCollector.FAIL_FOR.add(ID);
        long start = errorCount();
        inventory.put(new ContainerInfo(ID, "flaky-1", "busybox", Map.of(), ContainerState.RUNNING, Instant.now(),
                Instant.now(), null, 0, null, HealthStatus.NONE, null, RuntimeKind.DOCKER, "unix:///nonexistent/flaky.sock"));
        // The inventory change runs the container collectors for it once: that is one failure.
        await().atMost(Duration.ofSeconds(5)).until(() -> errorCount() > start);
        long afterChange = errorCount();

        samples.accept(new StatsSample(ID, Instant.now(), null, null, null, List.of(), List.of()));
        await().atMost(Duration.ofSeconds(5)).until(() -> errorCount() > afterChange);

        given().get("/api/collectors/flaky").then().statusCode(200)
                .body("status.lastError", containsString("flaky-1: flaky for " + ID));
        // The timer is an hour: these failures came from the change and the sample, through the same guard.
        assertEquals(afterChange + 1, errorCount(), "one run per sample, no retries configured");
        String line = "phoenix_collector_errors_total\\{collector=\"flaky\",?} " + (afterChange + 1) + "(\\.0)?";
        // The agent's own meters are rendered at most once a second.
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().hasLine(line));
    }

    private static long errorCount() {
        return given().get("/api/collectors/flaky").then().statusCode(200).extract().<Number>path("status.errorCount").longValue();
    }
}
