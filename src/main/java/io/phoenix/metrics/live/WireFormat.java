package io.phoenix.metrics.live;

import java.util.Locale;

/** The two shapes of the live stream. */
public enum WireFormat {
    /** One self-describing JSON object per event: every value with its name, help, type, unit and labels. */
    JSON,
    /** Families and container layouts declared once, then values as bare numbers (see {@link CompactFormat}). */
    COMPACT;

    /** @throws IllegalArgumentException for anything but json or compact (null or blank is json) */
    public static WireFormat of(String text) {
        return text == null || text.isBlank() ? JSON : valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    boolean carries(FeedEvent event) {
        if (event instanceof FeedEvent.Metrics || event instanceof FeedEvent.Tick) {
            return true; // a JSON client gets no tick event, but its tick's values go out at the tick, in one write
        }
        if (event instanceof FeedEvent.Removed removed) {
            return this == JSON || removed.layout() != null;
        }
        return (this == JSON) == (event instanceof FeedEvent.Started);
    }
}
