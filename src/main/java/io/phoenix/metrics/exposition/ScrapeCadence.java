package io.phoenix.metrics.exposition;

import java.util.Arrays;

/**
 * When the next scrape is due, learned from the last ones. Prometheus asks each target at a fixed interval and offset,
 * so the page can be rendered just before it asks, off the request path, instead of by the scrape that finds it stale.
 * A scraper that asks irregularly (or two scrapers taking turns) gets no forecast and pays the render as before; one
 * that asks more than once a second finds a young page anyway.
 *
 * <p>One scrape off the grid (a scraper's pause, a slow connection) does not cost the forecast: the interval is the
 * median of the last ones and the grid is where most of the last arrivals fall, so the next scrape is still expected
 * on it. Two off the grid, and the scraper has moved: no forecast until four arrivals agree again.
 */
final class ScrapeCadence {

    /** Faster scrapers are served the last page, at most one floor old: nothing to gain. */
    static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    /** An arrival within this (or 2 % of the interval, if more) of the grid is on it. */
    private static final long TOLERANCE_NANOS = 20_000_000L;
    private static final int KEPT = 5;

    private final long[] arrivals = new long[KEPT];
    private int count;

    /**
     * Notes a scrape at {@code nanos} (System.nanoTime) and returns when the next is due, or -1 while fewer than four
     * of the last five arrivals keep one interval.
     */
    synchronized long scraped(long nanos) {
        System.arraycopy(arrivals, 1, arrivals, 0, KEPT - 1);
        arrivals[KEPT - 1] = nanos;
        count = Math.min(count + 1, KEPT);
        if (count < KEPT) {
            return -1;
        }
        long[] intervals = new long[KEPT - 1];
        for (int i = 1; i < KEPT; i++) {
            intervals[i - 1] = arrivals[i] - arrivals[i - 1];
        }
        Arrays.sort(intervals);
        // One late arrival lengthens one interval and shortens the next by as much: the middle two are the interval.
        long interval = (intervals[KEPT / 2 - 1] + intervals[KEPT / 2]) / 2;
        if (interval < MIN_INTERVAL_NANOS) {
            return -1;
        }
        // Each arrival carried forward to the last slot; on a grid they coincide, and their median is the slot.
        long[] slots = new long[KEPT];
        for (int i = 0; i < KEPT; i++) {
            slots[i] = arrivals[i] + (KEPT - 1 - i) * interval;
        }
        Arrays.sort(slots);
        long slot = slots[KEPT / 2];
        long tolerance = Math.max(TOLERANCE_NANOS, interval / 50);
        int off = 0;
        for (long s : slots) {
            if (Math.abs(s - slot) > tolerance) {
                off++;
            }
        }
        return off > 1 ? -1 : slot + interval;
    }
}
