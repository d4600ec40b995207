package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recorded inspects of one container per engine: created with a healthcheck and labels (one with a quote in its
 * value), started, renamed, then stopped with SIGTERM trapped to exit 3.
 */
class ContainerParserTest {

    private static final Map<String, String> LABELS = Map.of("io.kubernetes.pod.name", "web-0", "team", "a\"b");

    @Test
    void dockerRunning() {
        ContainerInfo c = ContainerParser.fromInspect(Recorded.json("docker-inspect-running.json"), RuntimeKind.DOCKER, "unix:///d.sock");
        assertEquals("rec-docker", c.name());
        assertEquals("busybox:local", c.image());
        assertEquals(ContainerState.RUNNING, c.state());
        assertEquals(LABELS, c.labels());
        assertEquals(Instant.parse("2026-11-25T02:06:44.392701828Z"), c.startedAt());
        assertEquals(Instant.parse("2026-11-25T02:06:44.135289173Z"), c.created());
        assertNull(c.finishedAt(), "Go's zero time means never");
        assertNull(c.exitCode(), "a container that never exited has no exit code");
        assertEquals(HealthStatus.HEALTHY, c.health());
        assertEquals(0, c.restartCount());
        assertEquals(Recorded.json("docker-inspect-running.json").getJsonObject("State").getInteger("Pid"), c.pid());
        assertEquals(RuntimeKind.DOCKER, c.runtime());
        assertEquals("unix:///d.sock", c.endpoint());
        assertEquals(c.id().substring(0, 12), c.shortId());
    }

    @Test
    void dockerExitedKeepsTheExitCodeAndTheLastHealth() {
        ContainerInfo c = ContainerParser.fromInspect(Recorded.json("docker-inspect-exited.json"), RuntimeKind.DOCKER, "unix:///d.sock");
        assertEquals("rec-docker-renamed", c.name());
        assertEquals(ContainerState.EXITED, c.state());
        assertEquals(3, c.exitCode());
        assertNull(c.pid(), "Docker says Pid 0 for a stopped container");
        assertEquals(Instant.parse("2026-11-25T02:06:47.614422201Z"), c.finishedAt());
        assertEquals(HealthStatus.UNHEALTHY, c.health());
    }

    @Test
    void podmanRunningAndExited() {
        ContainerInfo running = ContainerParser.fromInspect(Recorded.json("podman-inspect-running.json"), RuntimeKind.PODMAN, "unix:///p.sock");
        assertEquals("rec-podman", running.name());
        assertEquals("localhost/busybox:latest", running.image());
        assertEquals(ContainerState.RUNNING, running.state());
        assertEquals(LABELS, running.labels());
        // Podman 4.3 runs healthchecks from systemd timers; without systemd they never run and stay "starting".
        assertEquals(HealthStatus.STARTING, running.health());
        assertNull(running.exitCode());

        ContainerInfo exited = ContainerParser.fromInspect(Recorded.json("podman-inspect-exited.json"), RuntimeKind.PODMAN, "unix:///p.sock");
        assertEquals("rec-podman-renamed", exited.name());
        assertEquals(ContainerState.EXITED, exited.state());
        assertEquals(3, exited.exitCode());
        assertEquals(Instant.parse("2026-11-25T02:06:52.38924972Z"), exited.finishedAt());
        assertEquals(running.id(), exited.id());
    }

    @Test
    void listKeyChangesWithStateNameOrHealthOnly() {
        JsonObject item = Recorded.json("docker-list-item.json");
        String key = ContainerParser.listKey(item);
        assertEquals(key, ContainerParser.listKey(item.copy().put("Status", "Up 4 minutes (healthy)")), "uptime text is not a change");
        assertNotEquals(key, ContainerParser.listKey(item.copy().put("Status", "Up 4 minutes (unhealthy)")));
        assertNotEquals(key, ContainerParser.listKey(item.copy().put("State", "exited")));
        assertNotEquals(key, ContainerParser.listKey(item.copy().put("Names", new io.vertx.core.json.JsonArray().add("/other"))));
        assertEquals(item.getString("Id"), ContainerParser.listId(Recorded.json("docker-list-item.json")));
    }

    @Test
    void wrongTypesAreProtocolErrorsNamingTheField() {
        JsonObject inspect = Recorded.json("docker-inspect-running.json");
        inspect.getJsonObject("State").put("ExitCode", "zero");
        var error = assertThrows(RuntimeApiException.Protocol.class, () -> ContainerParser.fromInspect(inspect, RuntimeKind.DOCKER, "x"));
        assertTrue(error.getMessage().contains("ExitCode"), error.getMessage());

        JsonObject noId = Recorded.json("podman-inspect-running.json");
        noId.remove("Id");
        assertTrue(assertThrows(RuntimeApiException.Protocol.class, () -> ContainerParser.fromInspect(noId, RuntimeKind.PODMAN, "x"))
                .getMessage().contains("Id"));

        JsonObject badTime = Recorded.json("docker-inspect-running.json");
        badTime.getJsonObject("State").put("StartedAt", "yesterday");
        assertTrue(assertThrows(RuntimeApiException.Protocol.class, () -> ContainerParser.fromInspect(badTime, RuntimeKind.DOCKER, "x"))
                .getMessage().contains("StartedAt"));
    }

    @Test
    void unknownStatesAndHealthAreMappedNotGuessed() {
        assertEquals(ContainerState.CREATED, ContainerState.parse("configured"));
        assertEquals(ContainerState.EXITED, ContainerState.parse("stopped"));
        assertEquals(ContainerState.UNKNOWN, ContainerState.parse("teleporting"));
        assertEquals(HealthStatus.NONE, HealthStatus.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ContainerState.fromLabel("teleporting"));
    }
}
