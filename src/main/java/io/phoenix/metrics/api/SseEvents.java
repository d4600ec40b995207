package io.phoenix.metrics.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.live.CompactFormat;
import io.phoenix.metrics.live.FeedEvent;
import io.phoenix.metrics.live.FeedFilter;
import io.phoenix.metrics.live.LiveFeed;
import io.phoenix.metrics.live.WireFormat;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.time.Instant;
import java.util.List;

/**
 * Live feed events as SSE, in either {@link WireFormat}. Each event is serialized once per format and metric
 * selection, by the first client that writes it; the others get the same text.
 */
@ApplicationScoped
public class SseEvents {

    /** JSON format: the container's identity with the event; for metrics events the values too. */
    public record Payload(String id, String name, String runtime, String state, Instant at, List<MetricValue> metrics) {
    }

    @Inject
    LiveFeed feed;
    @Inject
    ObjectMapper mapper;

    public Multi<OutboundSseEvent> events(Sse sse, String containerId, String runtime, String name, String metrics) {
        return events(sse, containerId, runtime, name, metrics, null);
    }

    public Multi<OutboundSseEvent> events(Sse sse, String containerId, String runtime, String name, String metrics, String format) {
        FeedFilter filter;
        try {
            filter = FeedFilter.of(containerId, runtime, name, metrics);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "runtime=" + runtime + ": expected docker or podman");
        }
        WireFormat wire;
        try {
            wire = WireFormat.of(format);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "format=" + format + ": expected json or compact");
        }
        String key = "sse|" + wire + "|" + filter.metricsKey();
        return feed.subscribe(filter, wire).map(event -> event instanceof FeedEvent.Hello
                ? build(sse, event, wire, filter)
                : event.memo().get(key, k -> build(sse, event, wire, filter)));
    }

    // The data is a ready string, so the event carries plain "data:" lines without a content-type field.
    private OutboundSseEvent build(Sse sse, FeedEvent event, WireFormat wire, FeedFilter filter) {
        if (wire == WireFormat.COMPACT) {
            return sse.newEventBuilder().name(CompactFormat.eventName(event)).data(CompactFormat.data(event, filter.metricPrefixes()))
                    .build();
        }
        return sse.newEventBuilder().name(jsonName(event)).data(json(payload(event, filter))).build();
    }

    private static String jsonName(FeedEvent event) {
        if (event instanceof FeedEvent.Metrics) {
            return "metrics";
        }
        return event instanceof FeedEvent.Started ? "container-started" : "container-removed";
    }

    private static Payload payload(FeedEvent event, FeedFilter filter) {
        ContainerInfo c = event.container();
        return new Payload(c.id(), c.name(), c.runtime().label(), c.state().label(), at(event),
                event instanceof FeedEvent.Metrics m ? m.only(filter.metricPrefixes()) : null);
    }

    private static Instant at(FeedEvent event) {
        if (event instanceof FeedEvent.Metrics m) {
            return m.at();
        }
        return event instanceof FeedEvent.Started s ? s.at() : ((FeedEvent.Removed) event).at();
    }

    private String json(Payload payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
