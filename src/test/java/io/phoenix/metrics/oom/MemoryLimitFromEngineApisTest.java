package io.phoenix.metrics.oom;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** The same limits through the engines' stats streams (metrics.source=api): the same numbers. */
@QuarkusTest
@Tag("engine")
@TestProfile(MemoryLimitFromEngineApisTest.ApiSource.class)
class MemoryLimitFromEngineApisTest extends MemoryLimitOnRealEnginesTest {

    public static class ApiSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.source", "api");
        }
    }
}
