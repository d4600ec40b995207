package io.phoenix.metrics.api;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.live.FeedEvent;
import io.phoenix.metrics.live.FeedFilter;
import io.phoenix.metrics.live.LiveFeed;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.ContainerLookup;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;


/**
 * Server-Sent Events: {@code metrics} (one per container per collection tick), {@code container-started},
 * {@code container-removed}; data is JSON. Filters: {@code runtime}, {@code name} (glob), {@code metrics} (name
 * prefixes, comma-separated).
 */
@Path("/api")
public class StreamResource {

    @Inject
    LiveFeed feed;
    @Inject
    ContainerInventory inventory;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;
    @Context
    Sse sse;

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> all(@QueryParam("runtime") String runtime, @QueryParam("name") String name,
                                       @QueryParam("metrics") String metrics) {
        return events(filter(null, runtime, name, metrics));
    }

    @GET
    @Path("/containers/{ref}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> one(@PathParam("ref") String reference, @QueryParam("metrics") String metrics) {
        ContainerLookup lookup = inventory.find(reference);
        if (!(lookup instanceof ContainerLookup.Found found)) {
            throw new ApiException(Response.Status.NOT_FOUND, "no single container with id, id prefix or name '" + reference + "'");
        }
        ContainerInfo container = found.container();
        return events(filter(container.id(), null, null, metrics));
    }

    private static FeedFilter filter(String id, String runtime, String name, String metrics) {
        try {
            return FeedFilter.of(id, runtime, name, metrics);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "runtime=" + runtime + ": expected docker or podman");
        }
    }

    private Multi<OutboundSseEvent> events(FeedFilter filter) {
        // Serialized here so the event carries plain "data:" JSON without a non-standard content-type field.
        return feed.subscribe(filter).map(event -> sse.newEventBuilder()
                .name(event.type())
                .data(json(payload(event)))
                .build());
    }

    private String json(Payload payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The container's identity with the event; for metrics the values too. */
    public record Payload(String id, String name, String runtime, String state, java.time.Instant at,
                          java.util.List<io.phoenix.metrics.collector.MetricValue> metrics) {
    }

    private static Payload payload(FeedEvent event) {
        ContainerInfo c = event.container();
        return new Payload(c.id(), c.name(), c.runtime().label(), c.state().label(), event.at(),
                event instanceof FeedEvent.Metrics m ? m.metrics() : null);
    }

}
