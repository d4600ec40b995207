package io.phoenix.metrics.exposition;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every test of {@link MetricsOnRealEnginesTest} again, with the numbers from the engines' stats streams. */
@Tag("engine")
@QuarkusTest
@TestProfile(MetricsFromEngineApisTest.ApiSource.class)
class MetricsFromEngineApisTest extends MetricsOnRealEnginesTest {

    public static class ApiSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.source", "api");
        }
    }

    @Test
    void theSourceIsTheApi() {
        assertEquals("api", source());
    }
}
