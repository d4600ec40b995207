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
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Live feed events as SSE frames ({@code event:name\ndata:...\n\n}), in either {@link WireFormat}. Each event's
 * frame is made once per format and metric selection, by the first client that writes it; the others get the same
 * bytes.
 */
@ApplicationScoped
public class SseEvents {

    /** JSON format: the container's identity with the event; for metrics events the values too. */
    public record Payload(String id, String name, String runtime, String state, Instant at, List<MetricValue> metrics) {
    }

    /**
     * One event's bytes for one client. {@code last}: the end of what belongs together (a tick's values end with its
     * tick), so the client's pending frames go out now, in one write.
     */
    public record Frame(Buffer bytes, boolean last) {
    }

    private static final Buffer NOTHING = Buffer.buffer(0);

    @Inject
    LiveFeed feed;
    @Inject
    ObjectMapper mapper;

    /** @throws ApiException 400 for a runtime or format this API does not know */
    public Multi<Frame> frames(String containerId, String runtime, String name, String metrics, String format) {
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
        return feed.subscribe(filter, wire).map(event -> new Frame(event instanceof FeedEvent.Hello
                ? frame(event, wire, filter)
                : event.memo().get(key, k -> frame(event, wire, filter)), !(event instanceof FeedEvent.Metrics)));
    }

    private Buffer frame(FeedEvent event, WireFormat wire, FeedFilter filter) {
        if (wire == WireFormat.COMPACT) {
            return frame(CompactFormat.eventName(event), CompactFormat.data(event, filter.metricPrefixes()));
        }
        if (event instanceof FeedEvent.Tick) {
            return NOTHING; // the JSON stream has no tick event; it only ends the tick's write
        }
        return frame(jsonName(event), json(payload(event, filter)));
    }

    /** Data never holds a line break (JSON without pretty-printing): one "data:" line, no space after the colon. */
    private static Buffer frame(String name, String data) {
        byte[] bytes = ("event:" + name + "\ndata:" + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(bytes);
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
