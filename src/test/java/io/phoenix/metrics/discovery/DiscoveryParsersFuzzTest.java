package io.phoenix.metrics.discovery;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.testing.FuzzJson;
import io.vertx.core.json.JsonObject;

/**
 * Inspect and list answers and events of both engines (one parser serves both; the recorded Docker and Podman
 * payloads are the seeds). A field of the wrong type must be a protocol error, never another exception; whatever
 * is accepted must pass the per-container caps.
 */
class DiscoveryParsersFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void inspect(byte[] data) {
        JsonObject json = FuzzJson.object(data);
        if (json == null) {
            return;
        }
        for (RuntimeKind kind : RuntimeKind.values()) {
            try {
                ContainerCaps.trim(ContainerParser.fromInspect(json, kind, "unix:///fuzz.sock"));
            } catch (RuntimeApiException expected) {
                // counted against the endpoint; the container is asked for again later
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void listEntry(byte[] data) {
        JsonObject json = FuzzJson.object(data);
        if (json == null) {
            return;
        }
        try {
            ContainerParser.listId(json);
            ContainerParser.listKey(json);
        } catch (RuntimeApiException expected) {
            // the list is refused with a protocol error
        }
    }

    @FuzzTest(maxDuration = "5s")
    void event(byte[] data) {
        JsonObject json = FuzzJson.object(data);
        if (json != null) {
            RuntimeEvent.parse(json).ifPresent(RuntimeEvent::reaction); // events never fail: unknown ones are ignored
        }
    }
}
