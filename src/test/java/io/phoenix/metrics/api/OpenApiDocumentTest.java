package io.phoenix.metrics.api;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-kept API document is served and names every GET path the REST resources have. */
@QuarkusTest
class OpenApiDocumentTest {

    @Test
    void everyRestPathIsDocumented() {
        String document = given().get("/q/openapi").then().statusCode(200)
                .header("Content-Type", startsWith("application/yaml"))
                .body(containsString("openapi: 3.0")).extract().asString();
        // Served from the router, not JAX-RS
        List<String> paths = new ArrayList<>(List.of("/metrics", "/api/stream", "/api/containers/{ref}/stream"));
        for (Class<?> resource : List.of(RuntimesResource.class, ContainersResource.class, CollectorsResource.class, OutputsResource.class)) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                if (method.isAnnotationPresent(GET.class)) {
                    Path sub = method.getAnnotation(Path.class);
                    paths.add(base + (sub == null ? "" : sub.value()));
                }
            }
        }
        assertTrue(paths.size() >= 10, paths.toString());
        for (String path : paths) {
            assertTrue(document.contains("\n  " + path + ":\n"), "not documented: " + path);
        }
    }
}
