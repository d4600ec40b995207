package io.phoenix.metrics.stats;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One meaning of the memory limit: the same numbers whether the kernel's files or an engine's stats gave them. */
class EffectiveLimitTest {

    private static final long HOST = 25_276_026_880L; // MemTotal 24683620 kB, as on the build machines

    private static StatsSample sample(Long limit) {
        return new StatsSample("c", Instant.EPOCH, null, new StatsSample.Memory(4096, limit, 1024L), 1L, List.of(), List.of());
    }

    @Test
    void kernelLimitsBecomeEffectiveAndConfigured() {
        assertEquals(new StatsSample.Memory(4096, HOST, 1024L, 0L), EffectiveLimit.fromKernel(sample(null), HOST).memory(),
                "unlimited: the host's memory, configured 0");
        assertEquals(new StatsSample.Memory(4096, 67108864L, 1024L, 67108864L),
                EffectiveLimit.fromKernel(sample(67108864L), HOST).memory());
        assertEquals(new StatsSample.Memory(4096, HOST, 1024L, 64L << 30),
                EffectiveLimit.fromKernel(sample(64L << 30), HOST).memory(), "a limit above the host's memory cannot bind");
        assertEquals(new StatsSample.Memory(4096, HOST, 1024L, 0L),
                EffectiveLimit.fromKernel(sample(9223372036854771712L), HOST).memory(), "v1's unlimited");
        assertEquals(new StatsSample.Memory(4096, null, 1024L, 0L), EffectiveLimit.fromKernel(sample(null), null).memory(),
                "no meminfo: no limit to show rather than a made-up one");
    }

    @Test
    void engineLimitsAreAlreadyEffectiveAndStayBelowTheHost() {
        StatsSample docker = sample(HOST);
        assertSame(docker, EffectiveLimit.fromEngine(docker, HOST), "the engines report MemTotal for no limit");
        assertEquals(HOST, EffectiveLimit.fromEngine(sample(9223372036854771712L), HOST).memory().limit());
        assertEquals(67108864L, EffectiveLimit.fromEngine(sample(67108864L), HOST).memory().limit());
        assertEquals(HOST, EffectiveLimit.fromEngine(sample(null), HOST).memory().limit());
        assertEquals(null, EffectiveLimit.fromEngine(sample(null), HOST).memory().specLimit(), "the configured one comes from inspect");
    }

    @Test
    void memTotalInBytes() throws Exception {
        Path meminfo = Files.createTempFile("meminfo", "");
        try {
            Files.writeString(meminfo, "MemTotal:       24683620 kB\nMemFree:        20104588 kB\n");
            assertEquals(HOST, EffectiveLimit.read(meminfo));
            Files.writeString(meminfo, "garbage\n");
            assertEquals(0, EffectiveLimit.read(meminfo));
        } finally {
            Files.delete(meminfo);
        }
    }
}
