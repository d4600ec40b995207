package io.phoenix.metrics.exposition;

import io.phoenix.metrics.collector.MetricFamily;
import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricType;
import io.phoenix.metrics.collector.MetricValue;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scraper that keeps its interval finds its page already rendered, after the last change, before it asked: the
 * render moved off the request path. Something changes right after every scrape, so every scrape needs a new page.
 */
@QuarkusTest
class RenderAheadTest {

    private static final MetricFamily CHANGING = new MetricFamily("phoenix_test_changing", "Changes after every scrape.",
            MetricType.GAUGE, null);
    private static final long INTERVAL_NANOS = 1_200_000_000L;

    @Inject
    MetricStore store;
    @Inject
    PrometheusExposition exposition;
    @TestHTTPResource("/metrics")
    URI metrics;

    @AfterEach
    void cleanUp() {
        store.put("render-ahead-test", "changing", List.of());
    }

    @Test
    void aSteadyScraperIsServedAPageRenderedBeforeItAsked() throws InterruptedException, IOException {
        // One keep-alive connection, as Prometheus keeps one per target: the requests leave when they are sent.
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(metrics).header("Accept", "text/plain").build();
        http.send(scrape, HttpResponse.BodyHandlers.discarding());
        long start = System.nanoTime() + INTERVAL_NANOS;
        long changedAt = Long.MIN_VALUE;
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Thread.sleep(Math.max(0, (start + i * INTERVAL_NANOS - System.nanoTime()) / 1_000_000));
            long asked = System.nanoTime();
            assertEquals(200, http.send(scrape, HttpResponse.BodyHandlers.discarding()).statusCode());
            long rendered = exposition.renderedAt(false);
            // From scrape 4 on: the five arrivals before it (the first request's too) made the cadence.
            if (i >= 4) {
                assertTrue(rendered > changedAt, "scrape " + i + " was served a page from before the last change");
                if (rendered >= asked) {
                    late.add("scrape " + i + " rendered " + (rendered - asked) / 1_000_000 + " ms after it asked");
                }
            }
            store.put("render-ahead-test", "changing", List.of(new MetricValue(CHANGING, i, System.currentTimeMillis(), Map.of())));
            changedAt = System.nanoTime();
        }
        // A loaded machine may delay a scrape or start a render late; a scraper paying for most of them means no
        // render ahead.
        assertTrue(late.size() <= 2, String.join("; ", late));
    }
}
