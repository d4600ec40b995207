package io.phoenix.metrics.discovery;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery against the real Docker and Podman that scripts/runtimes.sh starts. Resync runs every 10 minutes
 * in the test profile, so anything seen within 2 s here came through the event stream.
 */
@Tag("engine")
@QuarkusTest
class DiscoveryOnRealEnginesTest {

    /** The bound for events to reach the inventory. */
    private static final Duration EVENT_BOUND = Duration.ofSeconds(2);

    @Inject
    ContainerInventory inventory;
    @Inject
    DiscoveryService discovery;


    /** Waits for what the event stream should bring; on a timeout, says what the agent knew then. */
    private static void awaitEvent(Engine engine, Supplier<String> what, Callable<Boolean> seen) {
        try {
            await().atMost(EVENT_BOUND).until(seen);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(engine + ": not within " + EVENT_BOUND.toMillis() + " ms: " + what.get()
                    + "; the agent's view of the endpoint: " + runtime(engine), e);
        }
    }

    private static Map<String, Object> runtime(Engine engine) {
        List<Map<String, Object>> runtimes = given().get("/api/runtimes").then().statusCode(200).extract().path("runtimes");
        return runtimes.stream().filter(r -> engine.uri().equals(r.get("socket"))).findFirst().orElseThrow();
    }

    private static Response container(String reference) {
        return given().get("/api/containers/{ref}", reference);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void startedContainerAppearsThroughEvents(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("start");
        String id = engineFixture.create(name, "sleep", "300");
        assertFalse(inventory.get(id).filter(c -> c.state() == ContainerState.RUNNING).isPresent());

        Instant started = Instant.now();
        engineFixture.start(id);
        awaitEvent(engine, () -> "start: " + inventory.get(id),
                () -> inventory.get(id).filter(c -> c.state() == ContainerState.RUNNING).isPresent());
        System.out.printf("%s: running container in inventory %d ms after start returned%n", engine,
                Duration.between(started, Instant.now()).toMillis());

        container(name).then().statusCode(200)
                .body("id", equalTo(id))
                .body("shortId", equalTo(id.substring(0, 12)))
                .body("name", equalTo(name))
                .body("state", equalTo("running"))
                .body("runtime", equalTo(engine.label()))
                .body("endpoint", equalTo(engine.uri()))
                .body("image", containsString("busybox"))
                .body("startedAt", notNullValue())
                .body("health", equalTo("none"));
        container(id.substring(0, 12)).then().statusCode(200).body("id", equalTo(id));
        container(id).then().statusCode(200).body("name", equalTo(name));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void stopGivesExitedStateWithTheRealExitCode(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("stop");
        // PID 1 ignores SIGTERM unless it traps it: this one exits with 7 on stop.
        String id = engineFixture.run(name, "sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.2; done");
        awaitEvent(engine, () -> "start: " + inventory.get(id),
                () -> inventory.get(id).filter(c -> c.state() == ContainerState.RUNNING).isPresent());

        engineFixture.stop(id, 10);
        int engineExitCode = engineFixture.inspect(id).getJsonObject("State").getInteger("ExitCode");
        assertEquals(7, engineExitCode, "the engine itself should report the trapped exit code");
        awaitEvent(engine, () -> "stop: " + inventory.get(id),
                () -> inventory.get(id).filter(c -> c.state() == ContainerState.EXITED).isPresent());

        container(id).then().statusCode(200)
                .body("state", equalTo("exited"))
                .body("exitCode", equalTo(engineExitCode))
                .body("finishedAt", notNullValue());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void removedContainerDisappears(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("rm");
        String id = engineFixture.run(name, "sleep", "300");
        awaitEvent(engine, () -> "create: " + inventory.get(id), () -> inventory.get(id).isPresent());

        engineFixture.remove(id);
        awaitEvent(engine, () -> "removal: " + inventory.get(id), () -> inventory.get(id).isEmpty());
        container(name).then().statusCode(404)
                .body("status", equalTo(404))
                .body("message", containsString(name));
    }

    /**
     * Removals race the agent's inspects (Podman then answers HTTP 500 "no such container"). A container that is
     * gone is not an engine failure: the circuit stays closed and the next container is seen at once.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void removalsRacingInspectsDoNotOpenTheCircuit(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(engineFixture.run(EngineFixture.uniqueName("churn"), "sleep", "300"));
        }
        await().atMost(EVENT_BOUND).until(() -> ids.stream().allMatch(id -> inventory.get(id).isPresent()));
        // Each removal kills, dies and removes: three events, three inspects, some mid-removal.
        ids.parallelStream().forEach(engineFixture::remove);
        String id = engineFixture.run(EngineFixture.uniqueName("after-churn"), "sleep", "300");
        awaitEvent(engine, () -> "start after removals: " + inventory.get(id), () -> inventory.get(id).isPresent());
        await().atMost(EVENT_BOUND).until(() -> ids.stream().noneMatch(gone -> inventory.get(gone).isPresent()));
        assertEquals("closed", runtime(engine).get("circuit"), "circuit after removals: " + runtime(engine));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void renameIsFollowed(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String name = EngineFixture.uniqueName("old");
        String newName = EngineFixture.uniqueName("new");
        String id = engineFixture.run(name, "sleep", "300");
        awaitEvent(engine, () -> "create: " + inventory.get(id), () -> inventory.get(id).isPresent());

        engineFixture.rename(id, newName);
        awaitEvent(engine, () -> "rename: " + inventory.get(id),
                () -> inventory.get(id).map(ContainerInfo::name).filter(newName::equals).isPresent());
        container(newName).then().statusCode(200).body("id", equalTo(id));
        container(name).then().statusCode(404);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void resyncHealsMissedEvents(Engine engine) {
        EngineFixture engineFixture = EngineFixture.forTest(engine);
        String id = engineFixture.run(EngineFixture.uniqueName("heal"), "sleep", "300");
        awaitEvent(engine, () -> "create: " + inventory.get(id), () -> inventory.get(id).isPresent());

        // As if the start event had been lost, and a removal event too (a container that no longer exists).
        ContainerInfo real = inventory.get(id).orElseThrow();
        inventory.remove(id);
        String ghostId = "f".repeat(64);
        inventory.put(new ContainerInfo(ghostId, "ghost", "busybox", Map.of(), ContainerState.RUNNING, null, null, null,
                0, null, HealthStatus.NONE, null, real.runtime(), real.endpoint()));

        discovery.resyncAll().await().atMost(Duration.ofSeconds(30));
        assertEquals(real.name(), inventory.get(id).map(ContainerInfo::name).orElse(null));
        assertTrue(inventory.get(ghostId).isEmpty(), "a container the engine does not know must be dropped");
    }

    @Test
    void bothEnginesAreIdentifiedAndAMissingSocketIsReportedWhileTheOthersWork() {
        Engine.DOCKER.awaitUp();
        Engine.PODMAN.awaitUp();
        assertEquals("docker", runtime(Engine.DOCKER).get("runtime"));
        assertEquals("podman", runtime(Engine.PODMAN).get("runtime"));
        assertTrue(String.valueOf(runtime(Engine.PODMAN).get("version")).startsWith("4."));

        String absent = "unix://" + Engine.runtimeDir().resolve("absent.sock");
        given().get("/api/runtimes").then().statusCode(200)
                .body("total", equalTo(3))
                .body("reachable", equalTo(2))
                .body("runtimes.find { it.socket == '" + absent + "' }.state", equalTo("unavailable"))
                .body("runtimes.find { it.socket == '" + absent + "' }.lastError", containsString("absent.sock"))
                .body("runtimes.find { it.socket == '" + absent + "' }.runtime", equalTo(null));
    }

    @Test
    void filtersAndErrorsAreExplicit() {
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); EngineFixture podman = new EngineFixture(Engine.PODMAN)) {
            Engine.DOCKER.awaitUp();
            Engine.PODMAN.awaitUp();
            String onDocker = docker.run(EngineFixture.uniqueName("f"), "sleep", "300");
            String onPodman = podman.run(EngineFixture.uniqueName("f"), "sleep", "300");
            await().atMost(EVENT_BOUND).until(() -> inventory.get(onDocker).isPresent() && inventory.get(onPodman).isPresent());

            List<String> podmanIds = given().get("/api/containers?runtime=podman").then().statusCode(200).extract().path("id");
            assertTrue(podmanIds.contains(onPodman));
            assertFalse(podmanIds.contains(onDocker));
            List<String> runtimes = given().get("/api/containers?runtime=docker&state=running").then().statusCode(200)
                    .extract().path("runtime");
            assertTrue(runtimes.stream().allMatch("docker"::equals));
            List<String> states = given().get("/api/containers?state=running").then().extract().path("state");
            assertTrue(states.stream().allMatch("running"::equals));

            given().get("/api/containers?runtime=rkt").then().statusCode(400)
                    .body("message", containsString("docker, podman, containerd, cri-o"));
            given().get("/api/containers?state=sleeping").then().statusCode(400).body("message", containsString("running"));
            given().get("/api/containers/no-such-container-anywhere").then().statusCode(404)
                    .body("error", equalTo("Not Found"));
        }
    }
}
