package io.phoenix.metrics.discovery;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/** With no endpoint at all the service still starts, serves, and says plainly that it has nothing to watch. */
@QuarkusTest
@TestProfile(NoEndpointTest.Nothing.class)
class NoEndpointTest {

    public static class Nothing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.runtimes", "", "metrics.autodetect", "false");
        }
    }

    @Test
    void serviceStartsAndReportsThatNoRuntimeIsThere() {
        given().get("/api/runtimes").then().statusCode(200)
                .body("total", equalTo(0))
                .body("reachable", equalTo(0))
                .body("runtimes", empty())
                .body("message", containsString("No container runtime endpoint configured"));
        given().get("/api/containers").then().statusCode(200).body("$", empty());
    }
}
