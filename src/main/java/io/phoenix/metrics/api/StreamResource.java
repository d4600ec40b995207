package io.phoenix.metrics.api;

import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * {@code GET /api/stream}, Server-Sent Events for all containers. {@code format=json} (the default): {@code metrics}
 * (one self-describing object per container per collection tick), {@code container-started},
 * {@code container-removed}. {@code format=compact}: declarations once, then bare values
 * ({@link io.phoenix.metrics.live.CompactFormat}); what the live page reads. Filters: {@code runtime}, {@code name}
 * (glob), {@code metrics} (name prefixes, comma-separated). One container: {@code /api/containers/{ref}/stream}.
 */
@Path("/api/stream")
public class StreamResource {

    @Inject
    SseEvents events;
    @Context
    Sse sse;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> all(@QueryParam("runtime") String runtime, @QueryParam("name") String name,
                                       @QueryParam("metrics") String metrics, @QueryParam("format") String format) {
        return events.events(sse, null, runtime, name, metrics, format);
    }
}
