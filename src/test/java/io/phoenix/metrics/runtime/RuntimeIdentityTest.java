package io.phoenix.metrics.runtime;

import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RuntimeIdentityTest {

    @Test
    void dockerAndPodmanTellThemselvesApart() {
        assertEquals(new RuntimeIdentity(RuntimeKind.DOCKER, "20.10.24+dfsg1", "1.41"),
                RuntimeIdentity.fromVersion(Recorded.json("docker-version.json")));
        assertEquals(new RuntimeIdentity(RuntimeKind.PODMAN, "4.3.1", "1.41"),
                RuntimeIdentity.fromVersion(Recorded.json("podman-version.json")));
    }

    @Test
    void somethingElseOnTheSocketIsAProtocolError() {
        assertThrows(RuntimeApiException.Protocol.class, () -> RuntimeIdentity.fromVersion(new JsonObject().put("hello", "world")));
        assertThrows(RuntimeApiException.Protocol.class, () -> RuntimeIdentity.fromVersion(new JsonObject().put("Version", 20).put("ApiVersion", "1.41")));
    }
}
