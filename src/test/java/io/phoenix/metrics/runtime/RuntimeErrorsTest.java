package io.phoenix.metrics.runtime;

import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** How engines' HTTP errors are told apart: a container that is gone is not an engine failure. */
class RuntimeErrorsTest {

    private static final String URI = "/v1.41/containers/d559235f9f30/json";

    @Test
    void eachEnginesNotFoundIsNotFound() {
        assertInstanceOf(RuntimeApiException.NotFound.class, RuntimeErrors.httpError(URI, 404, Recorded.bytes("docker-inspect-404.json")));
        assertInstanceOf(RuntimeApiException.NotFound.class, RuntimeErrors.httpError(URI, 404, Recorded.bytes("podman-inspect-404.json")));
    }

    @Test
    void podmansHttp500ForAContainerRemovedMidRequestIsNotFound() {
        // Recorded from Podman 4.3.1: inspect while `DELETE ?force=true` of the same container is under way.
        RuntimeApiException error = RuntimeErrors.httpError(URI, 500, Recorded.bytes("podman-inspect-during-removal-500.json"));
        assertInstanceOf(RuntimeApiException.NotFound.class, error);
        assertEquals(URI + ": container d559235f9f308a9b76aed329ac276d081fae0e0b96d85243c76edff46add6142 does not exist in database:"
                + " no such container", error.getMessage());
    }

    @Test
    void otherServerErrorsAndGarbageAreProtocolErrors() {
        RuntimeApiException other = RuntimeErrors.httpError(URI, 500,
                Buffer.buffer("{\"cause\":\"database is locked\",\"message\":\"boltdb: database is locked\",\"response\":500}"));
        assertInstanceOf(RuntimeApiException.Protocol.class, other);
        assertEquals(URI + ": HTTP 500: boltdb: database is locked", other.getMessage());

        RuntimeApiException html = RuntimeErrors.httpError(URI, 502, Buffer.buffer("<html>bad gateway</html>\n"));
        assertInstanceOf(RuntimeApiException.Protocol.class, html);
        assertEquals(URI + ": HTTP 502: <html>bad gateway</html>", html.getMessage());

        assertInstanceOf(RuntimeApiException.Protocol.class, RuntimeErrors.httpError(URI, 500, Buffer.buffer()));
    }
}
