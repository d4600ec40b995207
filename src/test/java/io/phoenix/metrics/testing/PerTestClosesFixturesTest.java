package io.phoenix.metrics.testing;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared fixture's promise: what one test method created on an engine is gone before the next method starts. */
@Tag("engine")
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestClosesFixturesTest {

    private static final AtomicReference<String> CREATED = new AtomicReference<>();

    @Test
    @Order(1)
    void aMethodLeavesAContainerAndANetworkBehind() {
        EngineFixture fixture = EngineFixture.forTest(Engine.DOCKER);
        String network = EngineFixture.uniqueName("per-test-net");
        fixture.createNetwork(network);
        String id = fixture.create(EngineFixture.uniqueName("per-test"), new JsonObject().put("NetworkMode", network),
                "sleep", "300");
        fixture.start(id);
        assertTrue(fixture.inspect(id).getJsonObject("State").getBoolean("Running"));
        CREATED.set(id + " " + network);
    }

    @Test
    @Order(2)
    void theNextMethodFindsNeither() {
        String[] created = CREATED.get().split(" ");
        try (EngineFixture probe = new EngineFixture(Engine.DOCKER)) {
            IllegalStateException gone = assertThrows(IllegalStateException.class, () -> probe.inspect(created[0]));
            assertTrue(gone.getMessage().contains("HTTP 404"), gone.getMessage());
            assertEquals(0, probe.networks(created[1]), "the network went after its container");
        }
    }
}
