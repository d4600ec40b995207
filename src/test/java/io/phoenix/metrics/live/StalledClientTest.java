package io.phoenix.metrics.live;

import io.phoenix.metrics.testing.Engine;
import io.phoenix.metrics.testing.EngineFixture;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that connects and never reads. Ticks are fast here (50 ms) so socket buffers fill within seconds; the
 * agent must then drop it (and count that) instead of queueing without bound.
 */
@Tag("engine")
@QuarkusTest
@TestProfile(StalledClientTest.FastTicks.class)
class StalledClientTest {

    public static class FastTicks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.collection-interval", "50ms", "metrics.sse.buffer", "16");
        }
    }

    @TestHTTPResource("/")
    URL root;
    @Inject
    LiveFeed feed;

    @Test
    void aClientThatStopsReadingIsDisconnectedAndCounted() throws Exception {
        try (EngineFixture docker = new EngineFixture(Engine.DOCKER)) {
            for (int i = 0; i < 6; i++) {
                docker.run(EngineFixture.uniqueName("stall"), "sleep", "300");
            }
            Runtime runtime = Runtime.getRuntime();
            long heapBefore = runtime.totalMemory() - runtime.freeMemory();
            long connectionsBefore = feed.connections();
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new java.net.InetSocketAddress(root.getHost(), root.getPort()));
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Counted on connecting: a busy machine may see the client come and go between two polls.
                await().atMost(Duration.ofSeconds(30)).until(() -> feed.connections() > connectionsBefore);
                // Never read: the agent's bounded buffer overflows once the socket buffers are full.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> feed.clients() == 0);
            }
            long heapAfter = runtime.totalMemory() - runtime.freeMemory();
            System.out.printf("stalled client dropped; heap before %d MiB, after %d MiB%n", heapBefore >> 20, heapAfter >> 20);
            // Counted; the agent's own meters are rendered at most once a second.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                String metrics = io.phoenix.metrics.testing.Scrape.now().text();
                return metrics.lines().anyMatch(l -> l.matches("phoenix_sse_overflow_disconnects_total [1-9][0-9.]*"))
                        && metrics.lines().anyMatch(l -> l.matches("phoenix_sse_dropped_events_total [1-9][0-9.E]*"));
            });
            assertEquals(0, feed.clients());
        }
    }
}
