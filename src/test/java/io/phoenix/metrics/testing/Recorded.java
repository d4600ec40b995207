package io.phoenix.metrics.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Real engine answers recorded on the project's machines (Docker 20.10.24, Podman 4.3.1), under src/test/resources/engine. */
public final class Recorded {

    private Recorded() {
    }

    public static Buffer bytes(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/engine/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded payload " + name);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonObject json(String name) {
        return new JsonObject(bytes(name));
    }
}
