package io.phoenix.metrics.testing;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads one SSE stream in the background; events are taken with a timeout. */
public final class SseClient implements AutoCloseable {

    /** One event; {@link #data()} for JSON objects, {@link #raw()} for anything else (the compact format's arrays). */
    public record Event(String name, String raw) {
        public JsonObject data() {
            return new JsonObject(raw);
        }

        public io.vertx.core.json.JsonArray array() {
            return new io.vertx.core.json.JsonArray(raw);
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    private final Thread reader;
    public final int status;

    public SseClient(String url) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        status = response.statusCode();
        body = response.body();
        reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                } else if (line.isEmpty() && name != null) {
                    events.add(new Event(name, data.toString()));
                    name = null;
                    data.setLength(0);
                }
            }
        } catch (Exception closed) {
            // closed by the test or the server
        }
    }

    /** The next event, or null after the timeout. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next event with this name and container name, skipping others; null after the timeout. */
    public Event next(String eventName, String containerName, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e != null && e.name().equals(eventName) && e.raw().startsWith("{") && containerName.equals(e.data().getString("name"))) {
                return e;
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        body.close();
        reader.interrupt();
    }
}
