package io.phoenix.metrics.stats;

import io.phoenix.metrics.config.MetricsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One meaning of a container's memory limit whatever the source: the limit that can actually bind, its cgroup limit
 * or the host's memory when that is lower or there is no limit (what {@code docker stats} shows), so that a usage
 * percentage always exists. The configured limit is kept beside it ({@code specLimit}, 0 for none), where the
 * source can tell: the kernel's files can, the engines' stats cannot (the collector then takes it from inspect).
 */
@ApplicationScoped
public class EffectiveLimit {

    /** MemTotal only changes with memory hot-plug or a balloon: read again at most this often. */
    private static final long REFRESH_NANOS = 30_000_000_000L;
    /** The kernel's "unlimited" is 2^63 − page size (v1) or "max" (v2); anything this large is no limit. */
    private static final long NO_LIMIT = 1L << 62;

    @Inject
    MetricsConfig config;

    private volatile long hostBytes = -1;
    private volatile long readAtNanos;

    /** A sample from the kernel's files: its limit is the configured one (null when unlimited). */
    public StatsSample fromKernel(StatsSample sample) {
        return fromKernel(sample, hostMemory());
    }

    /** @param host the host's memory in bytes, null when unknown */
    public static StatsSample fromKernel(StatsSample sample, Long host) {
        StatsSample.Memory m = sample.memory();
        if (m == null) {
            return sample;
        }
        Long configured = m.limit() == null || m.limit() >= NO_LIMIT ? null : m.limit();
        return sample.withMemory(new StatsSample.Memory(m.usage(), effective(configured, host), m.inactiveFile(),
                configured == null ? 0L : configured));
    }

    /** A sample from an engine's stats: the engine already reports the effective limit; kept below the host's memory. */
    public StatsSample fromEngine(StatsSample sample) {
        return fromEngine(sample, hostMemory());
    }

    public static StatsSample fromEngine(StatsSample sample, Long host) {
        StatsSample.Memory m = sample.memory();
        if (m == null) {
            return sample;
        }
        Long limit = effective(m.limit() == null || m.limit() >= NO_LIMIT ? null : m.limit(), host);
        return limit == null || limit.equals(m.limit()) ? sample
                : sample.withMemory(new StatsSample.Memory(m.usage(), limit, m.inactiveFile(), m.specLimit()));
    }

    static Long effective(Long configured, Long host) {
        if (configured == null) {
            return host;
        }
        return host == null ? configured : Math.min(configured, host);
    }

    /** MemTotal in bytes, or null where the host's /proc/meminfo cannot be read. */
    public Long hostMemory() {
        long now = System.nanoTime();
        if (hostBytes < 0 || now - readAtNanos > REFRESH_NANOS) {
            hostBytes = read(Path.of(config.proc().root()).resolve("meminfo"));
            readAtNanos = now;
        }
        return hostBytes > 0 ? hostBytes : null;
    }

    /** MemTotal of a meminfo file ("MemTotal:       8129040 kB"), in bytes; 0 when unreadable. */
    public static long read(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo, StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
