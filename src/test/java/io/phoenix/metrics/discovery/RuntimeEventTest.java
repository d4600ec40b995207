package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.JsonObjectFramer;
import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorded event streams of a create, start, healthcheck, rename, stop, remove on each engine. */
class RuntimeEventTest {

    private static List<String> reactions(String stream) {
        JsonObjectFramer framer = new JsonObjectFramer();
        return framer.feed(Recorded.bytes(stream)).stream()
                .map(RuntimeEvent::parse)
                .flatMap(Optional::stream)
                .map(e -> e.action() + "=" + e.reaction().getClass().getSimpleName())
                .toList();
    }

    @Test
    void dockerStream() {
        assertEquals(List.of("create=Refresh", "start=Refresh",
                        "exec_create=Ignore", "exec_start=Ignore", "exec_die=Ignore", // each healthcheck run is an exec
                        "health_status=Refresh",
                        "exec_create=Ignore", "exec_start=Ignore", "exec_die=Ignore", "exec_create=Ignore", "exec_start=Ignore",
                        "rename=Refresh", "kill=Refresh", "exec_die=Ignore", "die=Refresh", "stop=Refresh", "destroy=Remove"),
                reactions("docker-events.jsonl"));
    }

    @Test
    void podmanStreamNamesRemovalRemoveAndHasNoStop() {
        assertEquals(List.of("create=Refresh", "init=Refresh", "start=Refresh", "rename=Refresh", "die=Refresh",
                        "cleanup=Refresh", "cleanup=Refresh", "remove=Remove"),
                reactions("podman-events.jsonl"));
    }

    @Test
    void idAndTimeComeFromTheEvent() {
        JsonObject first = new JsonObjectFramer().feed(Recorded.bytes("podman-events.jsonl")).get(0);
        RuntimeEvent event = RuntimeEvent.parse(first).orElseThrow();
        assertEquals(first.getJsonObject("Actor").getString("ID"), event.containerId());
        assertEquals(first.getLong("timeNano"), event.timeNano());
        assertEquals(new RuntimeEvent.Refresh(event.containerId()), event.reaction());
    }

    @Test
    void nonContainerAndIncompleteEventsAreSkipped() {
        assertTrue(RuntimeEvent.parse(new JsonObject().put("Type", "image").put("Action", "pull")
                .put("Actor", new JsonObject().put("ID", "busybox"))).isEmpty());
        assertTrue(RuntimeEvent.parse(new JsonObject().put("Type", "container").put("Action", "start")).isEmpty());
        // Pre-1.22 shape: no Type/Actor, only status and id.
        assertEquals("abc", RuntimeEvent.parse(new JsonObject().put("status", "die").put("id", "abc").put("time", 5))
                .orElseThrow().containerId());
    }
}
