package io.phoenix.metrics.faults;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine socket that speaks just enough HTTP/1.1 by hand to misbehave below the level a server framework allows
 * (never answer, answer a byte a second, stream a gigabyte with no newline). Dormant it is a healthy, empty Docker;
 * {@link #arm} switches it to its one hostile behaviour. Everything it sends is generated lazily and written only
 * as fast as the agent reads, so the fake itself stays small.
 */
final class HostileEngine implements AutoCloseable {

    enum Mode { STATS_1GB, DEEP_JSON, HUGE_LABEL, HUGE_LIST, EVENT_FLOOD, NEVER_ANSWERS, ONE_BYTE_A_SECOND }

    /** One container id per engine: ids are global in the inventory, as they are on a real host. */
    final String container;
    static final long GIGABYTE = 1L << 30;
    private static final String HEALTHY_STATS = recordedStats();
    private static final Buffer FILLER = Buffer.buffer("a".repeat(64 * 1024));

    private final Vertx vertx;
    private final Mode mode;
    private volatile boolean armed;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private final Set<NetSocket> eventStreams = ConcurrentHashMap.newKeySet();
    final AtomicLong inspects = new AtomicLong();
    final AtomicLong eventsSent = new AtomicLong();
    final AtomicLong statsBytesSent = new AtomicLong();

    /** Built once, off the event loop: 100,000 entries are about 9 MiB. */
    private final Buffer hugeList;

    HostileEngine(Vertx vertx, Path socket, Mode mode) throws Exception {
        this.vertx = vertx;
        this.mode = mode;
        this.container = String.format("b0571e%058x", mode.ordinal() + 1);
        this.hugeList = mode == Mode.HUGE_LIST ? Buffer.buffer(whole(hugeListJson())) : null;
        Files.deleteIfExists(socket);
        vertx.createNetServer().connectHandler(this::accept).listen(SocketAddress.domainSocketAddress(socket.toString()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Switches to the hostile behaviour; connections the agent already holds are dropped so it comes back to meet it. */
    void arm() {
        armed = true;
        if (mode == Mode.EVENT_FLOOD) {
            eventStreams.forEach(this::flood);
        } else if (mode == Mode.NEVER_ANSWERS || mode == Mode.ONE_BYTE_A_SECOND) {
            open.forEach(NetSocket::close);
        }
    }

    void disarm() {
        armed = false;
        open.forEach(NetSocket::close);
    }

    private void accept(NetSocket socket) {
        open.add(socket);
        socket.closeHandler(v -> {
            open.remove(socket);
            eventStreams.remove(socket);
        });
        socket.exceptionHandler(e -> socket.close());
        Buffer request = Buffer.buffer();
        socket.handler(chunk -> {
            if (request.length() > 64 * 1024) {
                return;
            }
            request.appendBuffer(chunk);
            String text = request.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n")) {
                socket.handler(null);
                String path = text.substring(text.indexOf(' ') + 1, text.indexOf(' ', text.indexOf(' ') + 1))
                        .replaceFirst("^/v[0-9.]+", "").replaceFirst("\\?.*", "");
                answer(socket, path);
            }
        });
    }

    private void answer(NetSocket socket, String path) {
        if (armed && mode == Mode.NEVER_ANSWERS) {
            return; // read the request, say nothing, keep the connection
        }
        if (armed && mode == Mode.ONE_BYTE_A_SECOND) {
            drip(socket, Buffer.buffer(whole(version())), 0);
            return;
        }
        switch (path) {
            case "/version" -> socket.end(Buffer.buffer(whole(version())));
            case "/_ping" -> socket.end(Buffer.buffer(whole("OK")));
            case "/containers/json" -> socket.end(list());
            case "/events" -> {
                socket.write(head("chunked"));
                eventStreams.add(socket);
                if (armed && mode == Mode.EVENT_FLOOD) {
                    flood(socket);
                }
            }
            default -> {
                if (path.equals("/containers/" + container + "/json")) {
                    inspects.incrementAndGet();
                    socket.end(inspect());
                } else if (path.equals("/containers/" + container + "/stats") && mode == Mode.STATS_1GB) {
                    socket.write(head("chunked"));
                    socket.write(chunk(Buffer.buffer("{\"read\":\"")));
                    endless(socket, 0);
                } else if (path.equals("/containers/" + container + "/stats")) {
                    // Only the 1 GB case's stats are hostile: the other engines' containers have ordinary ones.
                    socket.write(head("chunked"));
                    healthyStats(socket);
                } else {
                    socket.end(Buffer.buffer(status(404, "{\"message\":\"no such container\"}")));
                }
            }
        }
    }

    private static String hugeListJson() {
        StringBuilder list = new StringBuilder(100_000 * 100).append('[');
        String zeros = "0".repeat(58);
        for (int i = 0; i < 100_000; i++) {
            list.append(i == 0 ? "" : ",").append("{\"Id\":\"").append(zeros).append(String.format("%06x", i + 1))
                    .append("\",\"Names\":[\"/h").append(i).append("\"],\"State\":\"exited\"}");
        }
        return list.append(']').toString();
    }

    private String version() {
        return new JsonObject().put("Version", "20.10.99-hostile").put("ApiVersion", "1.41")
                .put("Components", new JsonArray().add(new JsonObject().put("Name", "Engine"))).encode();
    }

    private Buffer list() {
        if (!armed) {
            return Buffer.buffer(whole("[]"));
        }
        if (mode == Mode.HUGE_LIST) {
            return hugeList.copy();
        }
        if (mode == Mode.EVENT_FLOOD || mode == Mode.DEEP_JSON || mode == Mode.HUGE_LABEL || mode == Mode.STATS_1GB) {
            return Buffer.buffer(whole(new JsonArray().add(new JsonObject().put("Id", container)
                    .put("Names", new JsonArray().add("/hostile-" + mode.name().toLowerCase())).put("State", "running")).encode()));
        }
        return Buffer.buffer(whole("[]"));
    }

    private Buffer inspect() {
        JsonObject labels = new JsonObject().put("app", "hostile");
        if (mode == Mode.HUGE_LABEL) {
            labels.put("blob", "x".repeat(1024 * 1024));
        }
        JsonObject inspect = new JsonObject().put("Id", container).put("Name", "/hostile-" + mode.name().toLowerCase())
                .put("Created", "2026-11-25T00:00:00Z").put("RestartCount", 0)
                .put("State", new JsonObject().put("Status", "running").put("ExitCode", 0)
                        .put("StartedAt", "2026-11-25T00:00:01Z").put("FinishedAt", "0001-01-01T00:00:00Z"))
                .put("Config", new JsonObject().put("Image", "hostile:1").put("Labels", labels));
        String body = inspect.encode();
        if (mode == Mode.DEEP_JSON) {
            body = body.substring(0, body.length() - 1) + ",\"Deep\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        }
        return Buffer.buffer(whole(body));
    }

    /** 10,000 start events a second for the same container, for three seconds, in 10 ms batches. */
    private void flood(NetSocket socket) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        vertx.setPeriodic(10, timer -> {
            if (!armed || System.nanoTime() > until || !open.contains(socket)) {
                vertx.cancelTimer(timer);
                return;
            }
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                batch.append("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"").append(container)
                        .append("\",\"Attributes\":{}},\"timeNano\":").append(System.currentTimeMillis() * 1_000_000L).append("}\n");
            }
            eventsSent.addAndGet(100);
            socket.write(chunk(Buffer.buffer(batch.toString())));
        });
    }

    /** One JSON string that never ends, up to a gigabyte, written as the agent drains it. */
    private void endless(NetSocket socket, long sent) {
        if (!open.contains(socket) || sent >= GIGABYTE) {
            socket.close();
            return;
        }
        if (socket.writeQueueFull()) {
            socket.drainHandler(v -> endless(socket, sent));
            return;
        }
        socket.write(chunk(FILLER));
        statsBytesSent.addAndGet(FILLER.length());
        vertx.runOnContext(v -> endless(socket, sent + FILLER.length()));
    }

    /** A recorded Docker stats object once a second, as an engine sends them, while the connection is open. */
    private void healthyStats(NetSocket socket) {
        if (!open.contains(socket)) {
            return;
        }
        socket.write(chunk(Buffer.buffer(HEALTHY_STATS + "\n")));
        vertx.setTimer(1000, t -> healthyStats(socket));
    }

    private void drip(NetSocket socket, Buffer answer, int at) {
        if (at >= answer.length() || !open.contains(socket) || !armed) {
            return;
        }
        socket.write(answer.getBuffer(at, at + 1));
        vertx.setTimer(1000, t -> drip(socket, answer, at + 1));
    }

    private static String recordedStats() {
        try (var in = HostileEngine.class.getResourceAsStream("/engine/docker-stats-v2.json")) {
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).encode();
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("recorded stats missing", e);
        }
    }

    private static String whole(String json) {
        return status(200, json);
    }

    private static String status(int code, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + code + (code == 200 ? " OK" : " Not Found") + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n" + json;
    }

    private static Buffer head(String encoding) {
        return Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: " + encoding + "\r\n\r\n");
    }

    private static Buffer chunk(Buffer data) {
        return Buffer.buffer(Integer.toHexString(data.length()) + "\r\n").appendBuffer(data).appendString("\r\n");
    }

    @Override
    public void close() {
        open.forEach(NetSocket::close);
    }
}
