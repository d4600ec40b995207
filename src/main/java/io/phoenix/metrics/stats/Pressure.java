package io.phoenix.metrics.stats;

/**
 * Pressure stall information of one cgroup (cgroup v2 {@code cpu.pressure}, {@code memory.pressure},
 * {@code io.pressure}): the {@code total=} of each file's "some" line (time at least one task waited) and "full" line
 * (time all non-idle tasks were stalled at once), in microseconds. A file the kernel does not provide is null.
 */
public record Pressure(Long cpuSomeMicros, Long cpuFullMicros, Long memorySomeMicros, Long memoryFullMicros,
                       Long ioSomeMicros, Long ioFullMicros) {
}
