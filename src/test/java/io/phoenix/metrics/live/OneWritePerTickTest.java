package io.phoenix.metrics.live;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's events of one tick leave in one write: on HTTP/1.1 each write is one chunk, so every chunk that carries
 * values carries all of the tick's values and ends with its tick event (one flush per tick, not one per container).
 */
@Tag("engine")
@QuarkusTest
class OneWritePerTickTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void everyTicksValuesComeInOneChunkEndedByTheTick() throws Exception {
        Engine.DOCKER.awaitUp();
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER); Socket socket = new Socket()) {
            String prefix = EngineFixture.uniqueName("tick");
            for (int i = 0; i < 3; i++) {
                docker.run(prefix + "-" + i, "sleep", "300");
            }
            socket.connect(new InetSocketAddress(root.getHost(), root.getPort()));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/stream?format=compact&name=" + prefix + "-* HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertTrue(line(in).startsWith("HTTP/1.1 200"));
            while (!line(in).isEmpty()) {
                // headers
            }
            List<String> withValues = new ArrayList<>();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (withValues.size() < 4 && System.nanoTime() < deadline) {
                String chunk = chunk(in);
                if (chunk.contains("event:v\n")) {
                    withValues.add(chunk);
                }
            }
            assertEquals(4, withValues.size(), "four ticks with values within 20 s");
            for (String chunk : withValues.subList(1, withValues.size())) { // the first may be the hello's tick
                assertEquals(3, chunk.split("event:v\n", -1).length - 1, "the three containers' values together: " + chunk);
                assertTrue(chunk.matches("(?s).*event:tick\ndata:\\{\"t\":\\d+}\n\n"), "ended by the tick: " + chunk);
            }
        }
    }

    private static String line(DataInputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("closed");
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static String chunk(DataInputStream in) throws IOException {
        int size = Integer.parseInt(line(in).trim(), 16);
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        line(in);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
