package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.testing.CountingCollector;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container that reads the same counters as last time is not computed again by the collectors that follow samples:
 * their values stay and carry the newest sample's time, as if computed again. The lifecycle collector, which reads the
 * clock, still runs on every sample.
 */
@QuarkusTest
@TestProfile(SampleFeed.HourlyTimers.class)
class UnchangedSamplesTest extends SampleFeed {

    @Test
    void aContainerThatReadsTheSameIsReStampedNotComputed() {
        ContainerInfo record = record("idle-1");
        inventory.put(record);
        give(100, 4096);                                   // first sample: no window yet
        give(100, 4096);                                   // flat window: computed, and kept as the basis
        int computed = CountingCollector.runs(ID);
        long infoBefore = stamp("container_info");

        long at = give(100, 4096);
        assertEquals(computed, CountingCollector.runs(ID), "the same counters again: not computed");
        assertEquals(at, stamp("container_memory_usage_bytes"), "the kept value carries the newest sample's time");
        assertEquals(0.0, value("container_cpu_usage_percent"));
        assertEquals(at, stamp("container_cpu_usage_percent"));
        assertTrue(stamp("container_info") > infoBefore, "values stamped with their collection's time get the new one");

        give(100, 8192);                                   // memory moved
        assertEquals(computed + 1, CountingCollector.runs(ID));
        assertEquals(8192.0, value("container_memory_usage_bytes"));

        give(300, 8192);                                   // the container ran: its CPU percent is not zero
        assertTrue(value("container_cpu_usage_percent") > 0);
        give(300, 8192);                                   // no longer: zero, computed once more
        assertEquals(0.0, value("container_cpu_usage_percent"));
        assertEquals(computed + 3, CountingCollector.runs(ID));
        give(300, 8192);
        assertEquals(computed + 3, CountingCollector.runs(ID), "idle again");

        inventory.put(record("idle-renamed"));    // a new record: computed, whatever the samples
        await().atMost(Duration.ofSeconds(5)).until(() -> CountingCollector.runs(ID) == computed + 4);
        give(300, 8192);
        assertEquals(computed + 4, CountingCollector.runs(ID));
        assertEquals("idle-renamed", store.of(ID).stream().filter(v -> v.name().equals("container_memory_usage_bytes"))
                .findFirst().orElseThrow().labels().get("container_name"));
    }
}
