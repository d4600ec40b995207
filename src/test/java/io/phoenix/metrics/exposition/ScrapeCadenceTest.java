package io.phoenix.metrics.exposition;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forecast only for a scraper that keeps its interval, and only for one slower than once a second; one scrape off its
 * grid does not lose it.
 */
class ScrapeCadenceTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void aSteadyScraperIsExpectedOneIntervalAfterItsLastScrape() {
        ScrapeCadence cadence = new ScrapeCadence();
        assertEquals(-1, cadence.scraped(100 * S));
        assertEquals(-1, cadence.scraped(115 * S + 3 * MS));
        assertEquals(-1, cadence.scraped(130 * S - 2 * MS));
        assertEquals(-1, cadence.scraped(145 * S + MS), "three intervals are not yet a cadence");
        long due = cadence.scraped(160 * S);
        assertTrue(Math.abs(due - 175 * S) <= 3 * MS, "due " + due);
    }

    @Test
    void oneScrapeOffTheGridKeepsTheForecastOnIt() {
        ScrapeCadence cadence = new ScrapeCadence();
        long[] at = {0, 10 * S + 300 * MS, 20 * S, 30 * S}; // the second came 300 ms late
        for (long t : at) {
            assertEquals(-1, cadence.scraped(t));
        }
        assertEquals(50 * S, cadence.scraped(40 * S), "the late one is outvoted");
        assertEquals(60 * S, cadence.scraped(50 * S));

        ScrapeCadence lastLate = new ScrapeCadence();
        for (int i = 0; i < 4; i++) {
            lastLate.scraped(i * 10 * S);
        }
        assertEquals(50 * S, lastLate.scraped(40 * S + 400 * MS), "the next is expected on the grid, not after the late one");
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
    void aScraperThatMovesLosesItsForecastUntilFourArrivalsAgree() {
        ScrapeCadence cadence = new ScrapeCadence();
        for (int i = 0; i <= 4; i++) {
            cadence.scraped(i * 10 * S);
        }
        assertEquals(60 * S, cadence.scraped(57 * S), "one arrival 7 s late: still the old grid");
        assertEquals(-1, cadence.scraped(67 * S), "two: the scraper moved");
        assertEquals(-1, cadence.scraped(77 * S), "three on the new grid, two on the old");
        assertEquals(97 * S, cadence.scraped(87 * S));
    }
}
