package io.phoenix.metrics.output.remotewrite;

import io.phoenix.metrics.output.remotewrite.StoreReader.Point;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * From one push to the next: a series is sent again only when it has a newer sample (a receiver rejects a sample
 * older than the one it has, and a repeat adds nothing), and a series that left the store gets Prometheus'
 * staleness marker so queries on the receiver stop showing it at once instead of after the 5-minute lookback.
 * Only called from one thread at a time.
 */
final class ChangedPoints {

    /** Prometheus' staleness marker: a NaN with this exact bit pattern. */
    static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    private record Key(String name, Map<String, String> labels) {
    }

    private Map<Key, Long> lastSent = new HashMap<>();

    /** The points newer than those of the previous call, plus a stale marker at {@code now} for each series gone. */
    List<Point> next(List<Point> current, long now) {
        Map<Key, Long> seen = new HashMap<>(Math.max(16, current.size() * 2));
        List<Point> changed = new ArrayList<>();
        for (Point p : current) {
            Key key = new Key(p.name(), p.labels());
            Long previous = lastSent.remove(key);
            if (seen.containsKey(key)) {
                continue; // the same series twice in one store read: keep the first, as /metrics would
            }
            if (previous == null || p.timestamp() > previous) {
                changed.add(p);
                seen.put(key, p.timestamp());
            } else {
                seen.put(key, previous);
            }
        }
        lastSent.forEach((gone, at) -> changed.add(new Point(gone.name(), gone.labels(),
                Double.longBitsToDouble(STALE_NAN_BITS), Math.max(now, at + 1))));
        lastSent = seen;
        return changed;
    }

    int tracked() {
        return lastSent.size();
    }
}
