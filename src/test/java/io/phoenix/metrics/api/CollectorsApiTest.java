package io.phoenix.metrics.api;

import io.phoenix.metrics.testing.Scrape;
import io.phoenix.metrics.testing.SwitchableCollector;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Collector configuration and health as the API shows them, with retries and timeouts honoured at run time. */
@QuarkusTest
class CollectorsApiTest {

    @AfterEach
    void reset() {
        SwitchableCollector.MODE.set(SwitchableCollector.Mode.OK);
    }

    @Test
    void everyCollectorIsListedWithConfigAndStatus() {
        List<String> names = given().get("/api/collectors").then().statusCode(200).extract().path("name");
        assertTrue(names.containsAll(List.of("cpu", "memory", "network", "disk", "lifecycle", "info", "system", "headroom", "switchable")), names.toString());
        given().get("/api/collectors/cpu").then().statusCode(200)
                .body("scope", equalTo("container"))
                .body("config.interval", equalTo("PT1S"))
                .body("config.enabled", equalTo(true))
                .body("status.healthy", equalTo(true))
                .body("status.runs", greaterThan(0));
        given().get("/api/collectors/switchable").then().statusCode(200)
                .body("scope", equalTo("system"))
                .body("config.retryAttempts", equalTo(2))
                .body("config.customLabels.suite", equalTo("phoenix"));
        given().get("/api/collectors/nope").then().statusCode(404)
                .body("message", containsString("no collector 'nope'"))
                .body("message", containsString("cpu"));
    }

    @Test
    void failuresAreRetriedMakeItUnhealthyAndASuccessHealsIt() {
        // A clean slate: a success after whatever an earlier test left (its failure streak counts otherwise).
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get("/api/collectors/switchable").then().extract()
                .<Integer>path("status.consecutiveFailures") == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().hasLine("phoenix_test_switchable\\{suite=\"phoenix\",?} 1(\\.0)?"));
        int before = SwitchableCollector.CALLS.get();
        long errorsBefore = given().get("/api/collectors/switchable").then().extract().<Number>path("status.errorCount").longValue();
        SwitchableCollector.MODE.set(SwitchableCollector.Mode.FAIL);

        await().atMost(Duration.ofSeconds(5)).until(() -> !given().get("/api/collectors/switchable").then().extract().<Boolean>path("status.healthy"));
        given().get("/api/collectors/switchable").then()
                .body("status.lastError", equalTo("switched to fail"))
                .body("status.consecutiveFailures", greaterThan(2))
                .body("status.errorCount", greaterThan((int) errorsBefore + 2));
        int failedRuns = given().get("/api/collectors/switchable").then().extract().path("status.consecutiveFailures");
        // Each failed run is the call plus two retries.
        assertTrue(SwitchableCollector.CALLS.get() - before >= failedRuns * 3, "retries honoured");

        SwitchableCollector.MODE.set(SwitchableCollector.Mode.OK);
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get("/api/collectors/switchable").then().extract().<Boolean>path("status.healthy"));
        given().get("/api/collectors/switchable").then().body("status.consecutiveFailures", equalTo(0));
        assertTrue(Scrape.now().hasLine("phoenix_collector_errors_total\\{collector=\"switchable\",?} [0-9.]+"));
    }

    @Test
    void aCollectorSlowerThanItsTimeoutFails() {
        SwitchableCollector.MODE.set(SwitchableCollector.Mode.SLOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(given().get("/api/collectors/switchable").then()
                .extract().<String>path("status.lastError")).contains("timeout of 150 ms"));
        Scrape scrape = Scrape.now();
        assertTrue(scrape.hasLine("phoenix_collector_duration_seconds_count\\{collector=\"cpu\",?} [0-9.]+"));
        assertEquals(true, given().get("/api/collectors/cpu").then().extract().path("status.healthy"), "others unaffected");
    }
}
