package io.phoenix.metrics.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.smallrye.mutiny.Multi;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.function.Supplier;

/**
 * The live streams, as Server-Sent Events: {@code GET /api/stream} for all containers and
 * {@code GET /api/containers/{ref}/stream} for one. {@code format=json} (the default): {@code metrics} (one
 * self-describing object per container per collection tick), {@code container-started}, {@code container-removed}.
 * {@code format=compact}: declarations once, then bare values ({@link io.phoenix.metrics.live.CompactFormat}); what
 * the live page reads. Filters: {@code runtime}, {@code name} (glob), {@code metrics} (name prefixes, comma-separated).
 * <p>
 * Served from the router rather than JAX-RS so that a client's events of one tick go out as one write (one chunk,
 * one flush) instead of one each; see {@link ClientWriter} for what a client that does not read costs.
 */
@ApplicationScoped
public class StreamRoute {

    @Inject
    SseEvents events;
    @Inject
    ContainerInventory inventory;
    @Inject
    ObjectMapper mapper;

    void routes(@Observes Router router) {
        router.get("/api/stream").handler(context -> open(context, () -> events.frames(null, query(context, "runtime"),
                query(context, "name"), query(context, "metrics"), query(context, "format"))));
        router.get("/api/containers/:ref/stream").handler(context -> open(context, () -> events.frames(
                ContainersResource.resolve(inventory, context.pathParam("ref")).id(), null, null, query(context, "metrics"), null)));
    }

    private static String query(RoutingContext context, String name) {
        return context.queryParams().get(name);
    }

    private void open(RoutingContext context, Supplier<Multi<SseEvents.Frame>> frames) {
        Multi<SseEvents.Frame> stream;
        try {
            stream = frames.get();
        } catch (ApiException e) {
            refuse(context, e);
            return;
        }
        context.response().setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store");
        context.response().writeHead();
        stream.subscribe().withSubscriber(new ClientWriter(context.response()));
    }

    /** The same body as every other API error ({@link ApiError}). */
    private void refuse(RoutingContext context, ApiException e) {
        String body;
        try {
            body = mapper.writeValueAsString(ApiError.of(e));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        context.response().setStatusCode(e.status().getStatusCode()).putHeader("Content-Type", "application/json").end(body);
    }
}
