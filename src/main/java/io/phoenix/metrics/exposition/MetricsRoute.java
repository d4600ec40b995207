package io.phoenix.metrics.exposition;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /metrics}: Prometheus text 0.0.4 unless the Accept header asks for OpenMetrics. (Quarkus' own
 * handler, left at /q/metrics, answers OpenMetrics to "Accept: * / *" and 406 to a versioned OpenMetrics Accept.)
 * Served on the event loop: the scrape only reads memory.
 */
@ApplicationScoped
public class MetricsRoute {

    static final String OPENMETRICS = "application/openmetrics-text";

    @Inject
    PrometheusMeterRegistry registry;

    void routes(@Observes Router router) {
        router.get("/metrics").handler(this::scrape);
    }

    private void scrape(RoutingContext context) {
        String accept = context.request().getHeader("Accept");
        String contentType = accept != null && accept.contains(OPENMETRICS)
                ? TextFormat.CONTENT_TYPE_OPENMETRICS_100 : TextFormat.CONTENT_TYPE_004;
        context.response().putHeader("Content-Type", contentType).end(registry.scrape(contentType));
    }
}
