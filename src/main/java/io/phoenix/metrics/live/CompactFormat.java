package io.phoenix.metrics.live;

import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;

import java.time.Instant;
import java.util.List;

/**
 * The compact live stream ({@code /api/stream?format=compact}). Names, help, types, units and labels are sent once;
 * each tick then costs a few bytes per value. Events (SSE event name: data):
 * <ul>
 *   <li>{@code hello}: first event of every connection, the current state:
 *       {@code {"v":1,"interval":ms,"families":[family...],"containers":[container...],"values":[values...]}}</li>
 *   <li>{@code families}: {@code {"families":[family...]}}, families seen for the first time; a family is
 *       {@code [id,name,type,unit,help]} (unit null when dimensionless), its id never reused</li>
 *   <li>{@code container}: a container's layout, again whenever its metadata or series change:
 *       {@code {"c":ref,"l":version,"id","name","image","runtime","state","health","restarts","exitCode","created",
 *       "startedAt","finishedAt","labels":{},"common":{labels of every series},"series":[[familyId],[familyId,{more labels}]...]}}
 *       (times in ms since the epoch, null when unknown)</li>
 *   <li>{@code v}: values, {@code [ref,version,timeMs,value...]}, one number per series of that layout version in
 *       its order (null for a value that is not a finite number); a client that has another version skips it</li>
 *   <li>{@code removed}: {@code {"c":ref}}</li>
 *   <li>{@code tick}: {@code {"t":timeMs}} after each interval's values (the stream is alive, even with nothing to show)</li>
 * </ul>
 */
public final class CompactFormat {

    public static final int VERSION = 1;

    private CompactFormat() {
    }

    public static String eventName(FeedEvent event) {
        if (event instanceof FeedEvent.Metrics) {
            return "v";
        }
        if (event instanceof FeedEvent.Declared) {
            return "container";
        }
        if (event instanceof FeedEvent.Removed) {
            return "removed";
        }
        if (event instanceof FeedEvent.Families) {
            return "families";
        }
        if (event instanceof FeedEvent.Hello) {
            return "hello";
        }
        if (event instanceof FeedEvent.Tick) {
            return "tick";
        }
        throw new IllegalArgumentException("not in the compact stream: " + event);
    }

    /** The event's data for a client that selected these metric name prefixes (none: all), made once per event. */
    public static String data(FeedEvent event, List<String> prefixes) {
        return event instanceof FeedEvent.Hello ? write(event, prefixes)
                : event.memo().get("compact|" + String.join(",", prefixes), key -> write(event, prefixes));
    }

    private static String write(FeedEvent event, List<String> prefixes) {
        if (event instanceof FeedEvent.Metrics m) {
            return values(m, prefixes);
        }
        if (event instanceof FeedEvent.Declared d) {
            return container(d, prefixes);
        }
        if (event instanceof FeedEvent.Removed r) {
            return "{\"c\":" + r.layout().ref() + "}";
        }
        if (event instanceof FeedEvent.Families f) {
            return families(f.families(), new StringBuilder("{\"families\":")).append('}').toString();
        }
        if (event instanceof FeedEvent.Hello h) {
            return hello(h, prefixes);
        }
        if (event instanceof FeedEvent.Tick t) {
            return "{\"t\":" + t.at().toEpochMilli() + "}";
        }
        throw new IllegalArgumentException("not in the compact stream: " + event);
    }

    private static String hello(FeedEvent.Hello hello, List<String> prefixes) {
        StringBuilder out = new StringBuilder(256).append("{\"v\":").append(VERSION).append(",\"interval\":").append(hello.intervalMillis());
        families(hello.families(), out.append(",\"families\":"));
        out.append(",\"containers\":[");
        for (int i = 0; i < hello.containers().size(); i++) {
            out.append(i == 0 ? "" : ",").append(data(hello.containers().get(i), prefixes));
        }
        out.append("],\"values\":[");
        for (int i = 0; i < hello.values().size(); i++) {
            out.append(i == 0 ? "" : ",").append(data(hello.values().get(i), prefixes));
        }
        return out.append("]}").toString();
    }

    private static StringBuilder families(List<Family> families, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < families.size(); i++) {
            Family f = families.get(i);
            out.append(i == 0 ? "[" : ",[").append(f.id()).append(',');
            Json.string(f.name(), out).append(',');
            Json.string(f.type().label(), out).append(',');
            Json.string(f.unit(), out).append(',');
            Json.string(f.help(), out).append(']');
        }
        return out.append(']');
    }

    static String container(FeedEvent.Declared declared, List<String> prefixes) {
        Layout layout = declared.layout();
        ContainerInfo c = layout.container();
        StringBuilder out = new StringBuilder(512).append("{\"c\":").append(layout.ref()).append(",\"l\":").append(layout.version());
        Json.string(c.id(), out.append(",\"id\":"));
        Json.string(c.name(), out.append(",\"name\":"));
        Json.string(c.image(), out.append(",\"image\":"));
        Json.string(c.runtime().label(), out.append(",\"runtime\":"));
        Json.string(c.state().label(), out.append(",\"state\":"));
        Json.string(c.health() == null ? null : c.health().label(), out.append(",\"health\":"));
        out.append(",\"restarts\":").append(c.restartCount()).append(",\"exitCode\":").append(c.exitCode());
        out.append(",\"created\":").append(millis(c.created())).append(",\"startedAt\":").append(millis(c.startedAt()))
                .append(",\"finishedAt\":").append(millis(c.finishedAt()));
        Json.object(new java.util.TreeMap<>(c.labels()), out.append(",\"labels\":"));
        Json.object(layout.common(), out.append(",\"common\":"));
        out.append(",\"series\":[");
        boolean first = true;
        for (Layout.Series s : layout.series()) {
            if (FeedFilter.selects(prefixes, s.family().name())) {
                out.append(first ? "[" : ",[").append(s.family().id());
                if (!s.labels().isEmpty()) {
                    Json.object(s.labels(), out.append(','));
                }
                out.append(']');
                first = false;
            }
        }
        return out.append("]}").toString();
    }

    static String values(FeedEvent.Metrics metrics, List<String> prefixes) {
        Layout layout = metrics.layout();
        List<MetricValue> values = metrics.metrics();
        long newest = 0;
        for (MetricValue v : values) {
            newest = Math.max(newest, v.timestamp());
        }
        StringBuilder out = new StringBuilder(16 + values.size() * 8).append('[').append(layout.ref()).append(',')
                .append(layout.version()).append(',').append(newest == 0 ? metrics.at().toEpochMilli() : newest);
        for (int i = 0; i < values.size(); i++) {
            if (FeedFilter.selects(prefixes, layout.series().get(i).family().name())) {
                Json.number(values.get(i).value(), out.append(','));
            }
        }
        return out.append(']').toString();
    }

    private static String millis(Instant at) {
        return at == null ? "null" : Long.toString(at.toEpochMilli());
    }
}
