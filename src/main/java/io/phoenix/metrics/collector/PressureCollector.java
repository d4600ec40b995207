package io.phoenix.metrics.collector;

import io.phoenix.metrics.stats.Pressure;
import io.phoenix.metrics.stats.StatsSample;

import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.counter;

/**
 * Pressure stall information (PSI) per container under cAdvisor's names: time some task waited ("waiting", the
 * file's "some" line) and time all of them were stalled ("stalled", "full"). Only the cgroup source on a kernel with
 * PSI has them; elsewhere the series are absent.
 */
public final class PressureCollector extends TableCollector {

    static final List<MetricDefinition<Pressure>> METRICS = List.of(
            counter("container_pressure_cpu_waiting_seconds_total", "seconds",
                    "Time at least one task of the container waited for a CPU (cpu.pressure some).",
                    p -> micros(p.cpuSomeMicros())),
            counter("container_pressure_cpu_stalled_seconds_total", "seconds",
                    "Time all non-idle tasks of the container waited for a CPU at once (cpu.pressure full).",
                    p -> micros(p.cpuFullMicros())),
            counter("container_pressure_memory_waiting_seconds_total", "seconds",
                    "Time at least one task of the container stalled on memory: reclaim, refaults, swap-in (memory.pressure some).",
                    p -> micros(p.memorySomeMicros())),
            counter("container_pressure_memory_stalled_seconds_total", "seconds",
                    "Time all non-idle tasks of the container stalled on memory at once (memory.pressure full).",
                    p -> micros(p.memoryFullMicros())),
            counter("container_pressure_io_waiting_seconds_total", "seconds",
                    "Time at least one task of the container waited for I/O (io.pressure some).",
                    p -> micros(p.ioSomeMicros())),
            counter("container_pressure_io_stalled_seconds_total", "seconds",
                    "Time all non-idle tasks of the container waited for I/O at once (io.pressure full).",
                    p -> micros(p.ioFullMicros())));

    private static Double micros(Long micros) {
        return micros == null ? null : micros / 1e6;
    }

    public PressureCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        StatsSample latest = snapshot.latest();
        if (latest == null || latest.pressure() == null) {
            return List.of();
        }
        return emit(METRICS, latest.pressure(), labels(snapshot.labels(), null, null), latest.readAt().toEpochMilli());
    }
}
