package io.phoenix.metrics.testing;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives a real engine through its API for the tests: creates containers with names unique to the run and
 * removes every one of them on close. The agent never does any of this; it only sends GET.
 */
public final class EngineFixture implements AutoCloseable {

    /** Unique per JVM, so that parallel or leftover runs never touch each other's containers. */
    public static final String RUN_ID = "phx-it-" + Long.toString(System.nanoTime() & 0xffffffL, 36);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Engine engine;
    private final Vertx vertx;
    private final WebClient web;
    private final SocketAddress socket;
    private final List<String> created = new CopyOnWriteArrayList<>(); // removals may run in parallel
    private final List<String> networks = new ArrayList<>();

    public EngineFixture(Engine engine) {
        this.engine = engine;
        this.vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
        this.socket = SocketAddress.domainSocketAddress(engine.socket().toString());
    }

    /**
     * The fixture of one {@code @QuarkusTest} method: waits until the agent under test has the engine up, and is closed
     * after the method by {@link PerTest}.
     */
    public static EngineFixture forTest(Engine engine) {
        engine.awaitUp();
        return PerTest.closeAfter(new EngineFixture(engine));
    }

    public Engine engine() {
        return engine;
    }

    public static String uniqueName(String purpose) {
        return RUN_ID + "-" + purpose + "-" + SEQUENCE.incrementAndGet();
    }

    /** Creates (not starts) a container on no network; returns its full id. */
    public String create(String name, String... command) {
        return create(name, new JsonObject(), command);
    }

    public String create(String name, JsonObject hostConfig, String... command) {
        return create(name, hostConfig, Map.of(), command);
    }

    /** With container labels: free text the engines accept as is, so the agent and its page must treat it as untrusted. */
    public String create(String name, JsonObject hostConfig, Map<String, String> labels, String... command) {
        JsonObject body = new JsonObject()
                .put("Image", engine.image())
                .put("Cmd", new JsonArray(List.of((Object[]) command)))
                .put("HostConfig", hostConfig.copy().put("NetworkMode", hostConfig.getString("NetworkMode", "none")));
        if (!labels.isEmpty()) {
            JsonObject json = new JsonObject();
            labels.forEach(json::put);
            body.put("Labels", json);
        }
        JsonObject answer = call(HttpMethod.POST, "/containers/create?name=" + encode(name), body).bodyAsJsonObject();
        String id = answer.getString("Id");
        created.add(id);
        return id;
    }

    public String run(String name, String... command) {
        String id = create(name, command);
        start(id);
        return id;
    }

    public void start(String id) {
        call(HttpMethod.POST, "/containers/" + id + "/start", null);
    }

    public void stop(String id, int graceSeconds) {
        call(HttpMethod.POST, "/containers/" + id + "/stop?t=" + graceSeconds, null);
    }

    public void rename(String id, String newName) {
        call(HttpMethod.POST, "/containers/" + id + "/rename?name=" + encode(newName), null);
    }

    public void remove(String id) {
        call(HttpMethod.DELETE, "/containers/" + id + "?force=true", null);
        created.remove(id);
    }

    /** A bridge network of the test's own; its containers may talk to each other (never the host to them). */
    public String createNetwork(String name) {
        String id = call(HttpMethod.POST, "/networks/create", new JsonObject().put("Name", name)).bodyAsJsonObject().getString("Id");
        networks.add(id);
        return id;
    }

    /** The container's address on one network, for another container of the test to reach it. */
    public String address(String containerId, String network) {
        return inspect(containerId).getJsonObject("NetworkSettings").getJsonObject("Networks").getJsonObject(network)
                .getString("IPAddress");
    }

    /** GET /containers/{id}/stats?stream=false&one-shot=true: the engine's own reading, answered at once (precpu empty). */
    public JsonObject oneShotStats(String id) {
        return call(HttpMethod.GET, "/containers/" + id + "/stats?stream=false&one-shot=true", null).bodyAsJsonObject();
    }

    /** How many networks the engine has of this exact name. */
    public int networks(String name) {
        JsonArray all = new JsonArray(call(HttpMethod.GET, "/networks", null).bodyAsString());
        return (int) all.stream().filter(n -> name.equals(((JsonObject) n).getString("Name"))).count();
    }

    public JsonObject inspect(String id) {
        return call(HttpMethod.GET, "/containers/" + id + "/json", null).bodyAsJsonObject();
    }

    private HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
        var request = web.request(method, socket, 80, "localhost", "/v1.41" + path);
        HttpResponse<Buffer> response = (body == null ? request.send() : request.sendJsonObject(body)).await().atMost(TIMEOUT);
        int status = response.statusCode();
        if (status / 100 != 2 && status != 304) {
            throw new IllegalStateException(engine + " " + method + " " + path + ": HTTP " + status + " " + response.bodyAsString());
        }
        return response;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Removes everything this fixture created, even after a failed assertion. */
    @Override
    public void close() {
        for (String id : List.copyOf(created)) {
            try {
                remove(id);
            } catch (RuntimeException e) {
                // already gone, or the engine is down: nothing more to clean here
            }
        }
        for (String network : networks) {
            try {
                call(HttpMethod.DELETE, "/networks/" + network, null);
            } catch (RuntimeException e) {
                // engine down: nothing more to clean here
            }
        }
        web.close();
        vertx.closeAndAwait();
    }
}
