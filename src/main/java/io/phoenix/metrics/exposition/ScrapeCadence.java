package io.phoenix.metrics.exposition;

/**
 * When the next scrape is due, learned from the last ones. Prometheus asks each target at a fixed interval and offset,
 * so the page can be rendered just before it asks, off the request path, instead of by the scrape that finds it stale.
 * A scraper that asks irregularly (or two scrapers taking turns) gets no forecast and pays the render as before; one
 * that asks more than once a second finds a young page anyway.
 */
final class ScrapeCadence {

    /** Faster scrapers are served the last page, at most one floor old: nothing to gain. */
    static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    /** Three intervals that agree within this (or 2 % of the interval, if more) make a cadence. */
    private static final long TOLERANCE_NANOS = 20_000_000L;
    private static final int KEPT = 4;

    private final long[] arrivals = new long[KEPT];
    private int count;

    /**
     * Notes a scrape at {@code nanos} (System.nanoTime) and returns when the next is due, or -1 while the last
     * intervals do not agree.
     */
    synchronized long scraped(long nanos) {
        System.arraycopy(arrivals, 1, arrivals, 0, KEPT - 1);
        arrivals[KEPT - 1] = nanos;
        count = Math.min(count + 1, KEPT);
        if (count < KEPT) {
            return -1;
        }
        long shortest = Long.MAX_VALUE;
        long longest = 0;
        for (int i = 1; i < KEPT; i++) {
            long interval = arrivals[i] - arrivals[i - 1];
            shortest = Math.min(shortest, interval);
            longest = Math.max(longest, interval);
        }
        if (shortest < MIN_INTERVAL_NANOS || longest - shortest > Math.max(TOLERANCE_NANOS, shortest / 50)) {
            return -1;
        }
        return nanos + (arrivals[KEPT - 1] - arrivals[0]) / (KEPT - 1);
    }
}
