package io.phoenix.metrics.output.remotewrite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A remote-write receiver that misbehaves as told, for what a real one cannot be made to do: refuse every request
 * (400), ask to come back later (429 with Retry-After: 1), or accept the request and never answer. Loopback only;
 * keeps the last requests it got.
 */
final class FakeReceiver implements AutoCloseable {

    enum Mode { REJECT, BUSY, HANG }

    record Request(Map<String, List<String>> headers, byte[] body, long arrivedAtNanos) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private static final int KEEP = 500;

    volatile Mode mode = Mode.REJECT;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    FakeReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/write", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write";
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(16 << 20);
        }
        requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
        while (requests.size() > KEEP) {
            requests.remove(0);
        }
        switch (mode) {
            case REJECT -> answer(exchange, 400, "out of order sample");
            case BUSY -> {
                exchange.getResponseHeaders().add("Retry-After", "1");
                answer(exchange, 429, "slow down");
            }
            case HANG -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
