package io.phoenix.metrics.stats;

/**
 * The kernel's memory event counters of one cgroup; null where the hierarchy has no such counter.
 *
 * @param oomKills processes the OOM killer killed in the cgroup (v2 {@code memory.events} / v1
 *                 {@code memory.oom_control} {@code oom_kill}), whether or not the container survived
 * @param high     times usage went over {@code memory.high} and reclaim was forced (v2 only)
 * @param max      times usage was about to go over {@code memory.max} (v2 only)
 * @param failcnt  times usage hit the v1 limit ({@code memory.failcnt}, v1 only)
 */
public record MemoryEvents(Long oomKills, Long high, Long max, Long failcnt) {
}
