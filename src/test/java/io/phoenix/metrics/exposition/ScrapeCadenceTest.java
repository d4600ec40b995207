package io.phoenix.metrics.exposition;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A forecast only for a scraper that keeps its interval, and only for one slower than once a second. */
class ScrapeCadenceTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void aSteadyScraperIsExpectedOneIntervalAfterItsLastScrape() {
        ScrapeCadence cadence = new ScrapeCadence();
        assertEquals(-1, cadence.scraped(100 * S));
        assertEquals(-1, cadence.scraped(115 * S + 3 * MS));
        assertEquals(-1, cadence.scraped(130 * S - 2 * MS), "two intervals are not yet a cadence");
        long last = 145 * S + MS;
        assertEquals(last + (last - 100 * S) / 3, cadence.scraped(last));
    }

    @Test
    void irregularOrFastScrapersGetNoForecast() {
        ScrapeCadence turns = new ScrapeCadence(); // two Prometheus servers taking turns, 15 s each, 4 s apart
        long[] at = {0, 4 * S, 15 * S, 19 * S, 30 * S};
        long due = 0;
        for (long t : at) {
            due = turns.scraped(t);
        }
        assertEquals(-1, due);

        ScrapeCadence fast = new ScrapeCadence();
        for (int i = 0; i < 6; i++) {
            due = fast.scraped(i * 500 * MS);
        }
        assertEquals(-1, due, "twice a second: the cached page serves it");
    }

    @Test
    void aScraperThatStopsBeingSteadyLosesItsForecastUntilItIsAgain() {
        ScrapeCadence cadence = new ScrapeCadence();
        for (int i = 0; i <= 3; i++) {
            cadence.scraped(i * 10 * S);
        }
        assertEquals(-1, cadence.scraped(47 * S), "7 s after a 10 s cadence");
        cadence.scraped(57 * S);
        cadence.scraped(67 * S);
        assertEquals(87 * S, cadence.scraped(77 * S));
    }
}
