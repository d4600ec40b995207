package io.phoenix.metrics.oom;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

/** The same limits through the engines' stats streams (metrics.source=api): the same numbers. */
@QuarkusTest
@Tag("engine")
@TestProfile(SlowHost.PatientApiSource.class)
class MemoryLimitFromEngineApisTest extends MemoryLimitOnRealEnginesTest {
}
