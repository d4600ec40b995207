package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.testing.Engine;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What these tests need from an engine beyond {@link io.phoenix.metrics.testing.EngineFixture}: the engine's own
 * one-shot stats (the reference the cgroup source is compared with) and networks the test creates and removes.
 */
final class EngineApi implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    private final WebClient web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    private final SocketAddress socket;
    private final List<String> networks = new ArrayList<>();

    EngineApi(Engine engine) {
        this.socket = SocketAddress.domainSocketAddress(engine.socket().toString());
    }

    /** GET /containers/{id}/stats?stream=false&one-shot=true: answers at once on both engines (precpu empty). */
    JsonObject oneShotStats(String id) {
        return call(HttpMethod.GET, "/containers/" + id + "/stats?stream=false&one-shot=true", null).bodyAsJsonObject();
    }

    String createNetwork(String name) {
        String id = call(HttpMethod.POST, "/networks/create", new JsonObject().put("Name", name)).bodyAsJsonObject().getString("Id");
        networks.add(name);
        return id;
    }

    /** The container's address on a network the test created (only ever used from another of its containers). */
    String address(JsonObject inspect, String network) {
        return inspect.getJsonObject("NetworkSettings").getJsonObject("Networks").getJsonObject(network).getString("IPAddress");
    }

    private HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
        var request = web.request(method, socket, 80, "localhost", "/v1.41" + path);
        HttpResponse<Buffer> response = (body == null ? request.send() : request.sendJsonObject(body)).await().atMost(TIMEOUT);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.bodyAsString());
        }
        return response;
    }

    /** Removes the networks this test created (call after their containers are gone). */
    @Override
    public void close() {
        for (String name : networks) {
            try {
                call(HttpMethod.DELETE, "/networks/" + name, null);
            } catch (RuntimeException e) {
                // already gone or still in use by a container that failed to go: nothing more to do here
            }
        }
        web.close();
        vertx.closeAndAwait();
    }
}
