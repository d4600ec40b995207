package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;
import io.phoenix.metrics.runtime.RuntimeKind;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.StatsSample;
import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/**
 * Feeds samples of one container, put into the inventory by hand on an endpoint nobody serves, straight into the
 * sample store, and reads what the collectors made of them from the metric store. The tests that extend it run with
 * the timers at an hour ({@link HourlyTimers}, or a profile extending it), so only the samples given run the collectors.
 */
abstract class SampleFeed {

    public static class HourlyTimers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("metrics.collection-interval", "1h");
        }
    }

    static final String ID = "5a3e5a3e5a3e" + "0".repeat(52);
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Inject
    ContainerInventory inventory;
    @Inject
    SampleStore samples;
    @Inject
    MetricStore store;

    private int step;

    @AfterEach
    void cleanUp() {
        inventory.remove(ID);
    }

    /**
     * One sample, 1 s after the last, waited for until its pass is over: the lifecycle collector (run on every sample)
     * has it, and every value carries its time or a later one (the counting collector's too, run or re-stamped).
     */
    long give(long cpuNanos, long memory) {
        Instant at = T0.plusSeconds(++step);
        long millis = at.toEpochMilli();
        samples.accept(new StatsSample(ID, at, new StatsSample.Cpu(cpuNanos, null, null, step * 1_000_000_000L, 1, null, null, null),
                new StatsSample.Memory(memory, null, null), null, List.of(), List.of()));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
            List<MetricValue> values = store.of(ID);
            return find("container_last_sample_timestamp_seconds").map(MetricValue::value).orElse(0.0) == millis / 1000.0
                    && find("phoenix_test_counting_runs").isPresent() && values.stream().allMatch(v -> v.timestamp() >= millis);
        });
        return millis;
    }

    Optional<MetricValue> find(String name) {
        return store.of(ID).stream().filter(v -> v.name().equals(name)).findFirst();
    }

    double value(String name) {
        return find(name).orElseThrow(() -> new AssertionError(name + " missing")).value();
    }

    long stamp(String name) {
        return find(name).orElseThrow(() -> new AssertionError(name + " missing")).timestamp();
    }

    static ContainerInfo record(String name) {
        return new ContainerInfo(ID, name, "busybox", Map.of(), ContainerState.RUNNING, Instant.now(), Instant.now(), null, 0,
                null, HealthStatus.NONE, null, RuntimeKind.DOCKER, "unix:///nonexistent/unchanged.sock");
    }
}
