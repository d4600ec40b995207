package io.phoenix.metrics.collector;

import io.phoenix.metrics.testing.CountingCollector;
import io.phoenix.metrics.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where /metrics carries each sample's time, the same counters read again still make new lines: every collector runs
 * on every sample, and the line shows the newest time.
 */
@QuarkusTest
@TestProfile(TimestampedLinesTest.Timestamps.class)
class TimestampedLinesTest extends SampleFeed {

    public static class Timestamps extends HourlyTimers {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("metrics.exposition.timestamps", "true");
            return overrides;
        }
    }

    @Test
    void theSameCountersAreComputedAgainAndShowTheirNewTime() {
        inventory.put(record("stamped-1"));
        give(100, 4096);
        give(100, 4096);
        int computed = CountingCollector.runs(ID);
        long at = give(100, 4096);
        assertEquals(computed + 1, CountingCollector.runs(ID), "computed, though it reads as last time");
        String line = "container_memory_usage_bytes\\{[^}]*container_name=\"stamped-1\"[^}]*} 4096(\\.0)? " + at;
        await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.now().hasLine(line));
    }
}
