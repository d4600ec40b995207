package io.phoenix.metrics.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /q/openapi}: the API document (openapi/openapi.yaml), kept by hand; see its description for why. */
@ApplicationScoped
public class OpenApiRoute {

    private static final String DOCUMENT = "openapi/openapi.yaml";

    void routes(@Observes Router router) {
        byte[] document = read();
        router.get("/q/openapi").handler(context -> context.response()
                .putHeader("Content-Type", "application/yaml;charset=UTF-8")
                .end(io.vertx.core.buffer.Buffer.buffer(document)));
    }

    private static byte[] read() {
        try (InputStream in = OpenApiRoute.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " missing from the application");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
