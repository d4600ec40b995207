package io.phoenix.metrics.faults;

import io.phoenix.metrics.runtime.JsonObjectFramer;
import io.phoenix.metrics.testing.Recorded;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Docker-speaking engine on a Unix socket that misbehaves on purpose, for what a real engine cannot be made to
 * do: each container's stats stream shows one fault; the event stream stops in the middle of an object; the first
 * inspect of each container fails.
 */
final class FakeEngine implements AutoCloseable {

    enum Fault { GOOD, TRUNCATED, WRONG_TYPES, MISSING_FIELDS, NOT_JSON, HTTP_500, HANGS }

    static String id(Fault fault) {
        String hex = String.format(Locale.ROOT, "%064x", fault.ordinal() + 0xfa4e0000L);
        return hex.substring(hex.length() - 64);
    }

    static String name(Fault fault) {
        return "fake-" + fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    private final JsonObject stats;
    private final Set<String> busyOnce = ConcurrentHashMap.newKeySet();

    FakeEngine(Path socket) throws Exception {
        Files.deleteIfExists(socket);
        List<JsonObject> recorded = new JsonObjectFramer().feed(Recorded.bytes("docker-stats-stream.jsonl"));
        stats = recorded.get(recorded.size() - 1);
        vertx.createHttpServer().requestHandler(this::handle).listen(SocketAddress.domainSocketAddress(socket.toString()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path().replaceFirst("^/v[0-9.]+", "");
        HttpServerResponse response = request.response().putHeader("content-type", "application/json");
        if (path.equals("/version")) {
            response.end(new JsonObject().put("Version", "20.10.99-fake").put("ApiVersion", "1.41")
                    .put("Components", new JsonArray().add(new JsonObject().put("Name", "Engine"))).encode());
        } else if (path.equals("/_ping")) {
            response.putHeader("content-type", "text/plain").end("OK");
        } else if (path.equals("/containers/json")) {
            JsonArray list = new JsonArray();
            for (Fault f : Fault.values()) {
                list.add(new JsonObject().put("Id", id(f)).put("Names", new JsonArray().add("/" + name(f)))
                        .put("State", "running").put("Status", "Up 1 minute"));
            }
            response.end(list.encode());
        } else if (path.equals("/events")) {
            // One whole event, then half of one, then the end of the response: a stream that stopped mid-object.
            response.setChunked(true).write(new JsonObject().put("Type", "container").put("Action", "start")
                    .put("Actor", new JsonObject().put("ID", id(Fault.GOOD))).put("timeNano", System.nanoTime()).encode() + "\n");
            vertx.setTimer(300, t -> response.end("{\"Type\":\"container\",\"Action\":\"st"));
        } else if (path.matches("/containers/[0-9a-f]{64}/json") && busyOnce.add(path)) {
            // The first inspect of each container fails, as a busy engine's can: the agent must ask again by
            // itself, because no further event will come for these containers.
            response.setStatusCode(500).end("{\"message\":\"engine busy, try again\"}");
        } else if (path.matches("/containers/[0-9a-f]{64}/json")) {
            Fault fault = fault(path);
            response.end(new JsonObject().put("Id", id(fault)).put("Name", "/" + name(fault))
                    .put("Created", "2026-11-25T00:00:00Z").put("RestartCount", 0)
                    .put("State", new JsonObject().put("Status", "running").put("ExitCode", 0)
                            .put("StartedAt", "2026-11-25T00:00:01Z").put("FinishedAt", "0001-01-01T00:00:00Z"))
                    .put("Config", new JsonObject().put("Image", "fake:1").put("Labels", new JsonObject())).encode());
        } else if (path.matches("/containers/[0-9a-f]{64}/stats")) {
            stats(fault(path), response);
        } else {
            response.setStatusCode(404).end("{\"message\":\"no such path\"}");
        }
    }

    private static Fault fault(String path) {
        String id = path.split("/")[2];
        for (Fault f : Fault.values()) {
            if (id(f).equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException(id);
    }

    private void stats(Fault fault, HttpServerResponse response) {
        switch (fault) {
            case GOOD -> {
                response.setChunked(true);
                long[] tick = {0};
                vertx.setPeriodic(0, 300, timer -> {
                    if (response.closed()) {
                        vertx.cancelTimer(timer);
                        return;
                    }
                    tick[0]++;
                    JsonObject sample = stats.copy();
                    JsonObject cpu = sample.getJsonObject("cpu_stats");
                    cpu.getJsonObject("cpu_usage").put("total_usage", tick[0] * 100_000_000L);
                    cpu.put("system_cpu_usage", tick[0] * 600_000_000L);
                    response.write(sample.encode() + "\n");
                });
            }
            case TRUNCATED -> response.setChunked(true).end(stats.encode().substring(0, 120));
            case WRONG_TYPES -> {
                JsonObject sample = stats.copy();
                sample.getJsonObject("memory_stats").put("usage", "lots");
                response.setChunked(true).write(sample.encode() + "\n");
            }
            case MISSING_FIELDS -> response.setChunked(true).write(new JsonObject().put("read", "2026-11-25T02:10:42Z")
                    .put("name", "/" + name(fault)).encode() + "\n");
            case NOT_JSON -> response.setChunked(true).putHeader("content-type", "text/html").write("<html><body>502 Bad Gateway");
            case HTTP_500 -> response.setStatusCode(500).end("{\"message\":\"boom\"}");
            case HANGS -> response.setChunked(true).write("\n"); // headers out, then silence
        }
    }

    @Override
    public void close() {
        vertx.close();
    }
}
