package io.phoenix.metrics.stats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two samples read the same when only their time and the host's CPU time differ; any counter of the container counts. */
class SameReadingsTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    private static StatsSample sample(long total, long host, long usage, long rx, Long oomKills, Long cpuSome) {
        return new StatsSample("c1", AT.plusMillis(host), new StatsSample.Cpu(total, 60L, 40L, host, 2, 10L, 1L, 5L),
                new StatsSample.Memory(usage, 1L << 30, 100L), 3L,
                List.of(new StatsSample.Network("eth0", rx, 1L, 0L, 0L, 20L, 2L, 0L, 0L)),
                List.of(new StatsSample.Disk("8:0", 1L, 2L, 3L, 4L)),
                new Pressure(cpuSome, 0L, 0L, 0L, 0L, 0L), new MemoryEvents(oomKills, 0L, 0L, 0L));
    }

    @Test
    void onlyTheTimesMayDiffer() {
        StatsSample base = sample(100, 1_000, 4096, 10, 0L, 7L);
        assertTrue(base.sameReadings(sample(100, 2_000, 4096, 10, 0L, 7L)), "later, host CPU moved: the same");
        List<UnaryOperator<StatsSample>> changes = List.of(
                s -> sample(101, 2_000, 4096, 10, 0L, 7L),
                s -> sample(100, 2_000, 4097, 10, 0L, 7L),
                s -> sample(100, 2_000, 4096, 11, 0L, 7L),
                s -> sample(100, 2_000, 4096, 10, 1L, 7L),
                s -> sample(100, 2_000, 4096, 10, 0L, 8L),
                s -> sample(100, 2_000, 4096, 10, 0L, null),
                s -> new StatsSample(s.containerId(), s.readAt(), new StatsSample.Cpu(100, 60L, 40L, 2_000, 2, 11L, 1L, 5L),
                        s.memory(), s.pids(), s.networks(), s.disks(), s.pressure(), s.memoryEvents()),
                s -> new StatsSample(s.containerId(), s.readAt(), new StatsSample.Cpu(100, 60L, 40L, 2_000, 4, 10L, 1L, 5L),
                        s.memory(), s.pids(), s.networks(), s.disks(), s.pressure(), s.memoryEvents()),
                s -> new StatsSample(s.containerId(), s.readAt(), s.cpu(), s.memory(), 4L, s.networks(), s.disks(),
                        s.pressure(), s.memoryEvents()),
                s -> new StatsSample(s.containerId(), s.readAt(), s.cpu(), s.memory(), s.pids(), s.networks(),
                        List.of(new StatsSample.Disk("8:0", 1L, 2L, 3L, 5L)), s.pressure(), s.memoryEvents()),
                s -> new StatsSample(s.containerId(), s.readAt(), null, s.memory(), s.pids(), s.networks(), s.disks(),
                        s.pressure(), s.memoryEvents()));
        for (int i = 0; i < changes.size(); i++) {
            StatsSample changed = changes.get(i).apply(base);
            assertFalse(base.sameReadings(changed), "change " + i);
            assertFalse(changed.sameReadings(base), "change " + i + ", the other way");
        }
        assertFalse(base.sameReadings(null));
    }
}
