package io.phoenix.metrics.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.live.FeedEvent;
import io.phoenix.metrics.live.FeedFilter;
import io.phoenix.metrics.live.LiveFeed;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.time.Instant;
import java.util.List;

/** Live feed events as SSE: event name = the feed event's type, data = JSON {@link Payload}. */
@ApplicationScoped
public class SseEvents {

    /** The container's identity with the event; for metrics events the values too. */
    public record Payload(String id, String name, String runtime, String state, Instant at, List<MetricValue> metrics) {
    }

    @Inject
    LiveFeed feed;
    @Inject
    ObjectMapper mapper;

    public Multi<OutboundSseEvent> events(Sse sse, String containerId, String runtime, String name, String metrics) {
        FeedFilter filter;
        try {
            filter = FeedFilter.of(containerId, runtime, name, metrics);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "runtime=" + runtime + ": expected docker or podman");
        }
        // Serialized here so the event carries plain "data:" JSON without a non-standard content-type field.
        return feed.subscribe(filter).map(event -> sse.newEventBuilder().name(event.type()).data(json(payload(event))).build());
    }

    private static Payload payload(FeedEvent event) {
        ContainerInfo c = event.container();
        return new Payload(c.id(), c.name(), c.runtime().label(), c.state().label(), event.at(),
                event instanceof FeedEvent.Metrics m ? m.metrics() : null);
    }

    private String json(Payload payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
