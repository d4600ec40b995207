package io.phoenix.metrics.exposition;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code GET /metrics}: the container and host families, then the service's own (JVM, HTTP, self-metrics from
 * Micrometer), in Prometheus text 0.0.4 unless the Accept header asks for OpenMetrics. (Quarkus' own handler,
 * left at /q/metrics, answers OpenMetrics to "Accept: * / *" and 406 to a versioned OpenMetrics Accept.) Served on
 * the event loop: the scrape only reads memory. A scraper that keeps its interval finds both pages rendered just
 * before it asks ({@link RenderAhead}); one that asks faster than every 100 ms is served the page of up to 200 ms
 * ago while the next is rendered on a worker ({@link RenderCache}); the first scrapes, and a client back after a
 * pause, render a stale page on the request.
 */
@ApplicationScoped
public class MetricsRoute {

    static final String OPENMETRICS = "application/openmetrics-text";
    private static final String EOF = "# EOF\n";
    private static final Buffer EOF_BYTES = Buffer.buffer(EOF);

    @Inject
    PrometheusMeterRegistry registry;
    @Inject
    PrometheusExposition exposition;
    @Inject
    Vertx vertx;

    /**
     * Micrometer's families (JVM, HTTP, the agent's own), held to the same 100 ms floor as ours. They are most of a
     * stale scrape's work (some 350 meters, each sampled and written, against our families' bytes, which are only
     * copied): what {@link RenderAhead} moves off the request path.
     */
    private final Executor workers = RenderCache.workers(() -> vertx);
    private final RenderCache micrometerText = new RenderCache(workers);
    private final RenderCache micrometerOpenMetrics = new RenderCache(workers);

    private RenderAhead ahead;

    void routes(@Observes Router router) {
        ahead = new RenderAhead(vertx, workers, this::render);
        router.get("/metrics").handler(this::scrape);
    }

    private void scrape(RoutingContext context) {
        long arrived = System.nanoTime(); // before any rendering, which would blur the scraper's cadence
        boolean openMetrics = prefersOpenMetrics(context.parsedHeaders().accept());
        String contentType = contentType(openMetrics);
        Buffer ours = exposition.render(openMetrics);
        Buffer theirs = micrometerPage(openMetrics);
        ahead.scraped(openMetrics, arrived);
        // The cached buffers are written as they are (no copy): one response, a known length, no chunking.
        HttpServerResponse response = context.response()
                .putHeader("Content-Type", contentType)
                .putHeader("Content-Length", Integer.toString(ours.length() + theirs.length() + (openMetrics ? EOF_BYTES.length() : 0)));
        response.write(ours);
        if (openMetrics) {
            response.write(theirs);
            response.end(EOF_BYTES);
        } else {
            response.end(theirs);
        }
    }

    /** Both pages of one format, rendered now if stale: what a scrape writes, and what is made ahead of one. */
    void render(boolean openMetrics) {
        exposition.render(openMetrics);
        micrometerPage(openMetrics);
    }

    private Buffer micrometerPage(boolean openMetrics) {
        return (openMetrics ? micrometerOpenMetrics : micrometerText)
                .get(System.nanoTime(), () -> micrometer(contentType(openMetrics), openMetrics));
    }

    private static String contentType(boolean openMetrics) {
        return openMetrics ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004;
    }

    private byte[] micrometer(String contentType, boolean openMetrics) {
        String theirs = registry.scrape(contentType);
        if (openMetrics && theirs.endsWith(EOF)) {
            theirs = theirs.substring(0, theirs.length() - EOF.length());
        }
        return theirs.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * OpenMetrics when the client ranks it above the text format (q-values honoured; Prometheus puts it first),
     * text otherwise, also with no Accept header at all.
     */
    static boolean prefersOpenMetrics(List<MIMEHeader> accepted) {
        for (MIMEHeader type : accepted) { // most preferred first
            if (type.weight() <= 0) {
                continue;
            }
            String name = type.component() + "/" + type.subComponent();
            if (name.equalsIgnoreCase(OPENMETRICS)) {
                return true;
            }
            if (name.equalsIgnoreCase("text/plain") || name.equals("text/*") || name.equals("*/*")) {
                return false;
            }
        }
        return false;
    }
}
