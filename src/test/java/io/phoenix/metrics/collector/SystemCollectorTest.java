package io.phoenix.metrics.collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host collector on a procfs of its own: its files are held open, read again as they change, and opened again
 * after a failure.
 */
class SystemCollectorTest {

    private static final String MEMINFO = "MemTotal:       16000 kB\nMemFree:         1000 kB\nMemAvailable:    4000 kB\n";

    @TempDir
    Path proc;

    private SystemCollector collector() {
        return new SystemCollector(new CollectorConfig("system", "system", true, Duration.ofSeconds(1), Duration.ofSeconds(5),
                0, Duration.ZERO, Map.of(), Map.of("proc-root", proc.toString())));
    }

    private void write(String stat, String meminfo, String loadavg) throws IOException {
        // Written in place, as the kernel's files are one inode whose content changes: a held descriptor sees it.
        Files.writeString(proc.resolve("stat"), stat);
        Files.writeString(proc.resolve("meminfo"), meminfo);
        Files.writeString(proc.resolve("loadavg"), loadavg);
    }

    private static Map<String, Double> byName(List<MetricValue> values) {
        Map<String, Double> map = new LinkedHashMap<>();
        values.forEach(v -> map.put(v.name(), v.value()));
        return map;
    }

    @Test
    void busyPercentIsFromThePreviousReadingOfTheSameFiles() throws Exception {
        write("cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\nintr 12 3 4\n", MEMINFO, "0.50 0.25 12.05 1/100 42\n");
        SystemCollector host = collector();
        Map<String, Double> first = byName(host.collect());
        assertFalse(first.containsKey("host_cpu_usage_percent"), "no percent without a previous reading");
        assertEquals(16000 * 1024.0, first.get("host_memory_total_bytes"));
        assertEquals(12000 * 1024.0, first.get("host_memory_used_bytes"));
        assertEquals(0.5, first.get("host_load1"));
        assertEquals(0.25, first.get("host_load5"));
        assertEquals(12.05, first.get("host_load15"), 1e-9);

        // iowait counts as idle; irq, softirq and steal as busy
        write("cpu  150 0 120 900 40 10 10 10 0 0\ncpu0 75 0 60 450 20 5 5 5 0 0\n", MEMINFO.replace("4000", "6000"),
                "1.00 0.30 12.10 2/100 43\n");
        Map<String, Double> second = byName(host.collect());
        assertEquals(100.0 * (50 + 20 + 30) / (50 + 20 + 100 + 40 + 30), second.get("host_cpu_usage_percent"), 1e-9);
        assertEquals(10000 * 1024.0, second.get("host_memory_used_bytes"), "read again, not kept from the first reading");
        assertEquals(1.0, second.get("host_load1"));
        host.cleanup();
    }

    @Test
    void aKernelWithoutMemAvailableHasNoUsedMemory() throws Exception {
        write("cpu  1 2 3 4\n", "MemTotal:       16000 kB\nMemFree:         1000 kB\n", "0.00 0.01 0.05 1/100 42\n");
        Map<String, Double> values = byName(collector().collect());
        assertEquals(16000 * 1024.0, values.get("host_memory_total_bytes"));
        assertFalse(values.containsKey("host_memory_used_bytes"));
        assertEquals(0.05, values.get("host_load15"), 1e-9);
    }

    @Test
    void aMissingOrUnreadableProcFailsTheRunNamingTheFileAndIsOpenedAgainLater() throws Exception {
        SystemCollector host = collector();
        IOException missing = assertThrows(IOException.class, host::collect);
        assertTrue(missing.getMessage().contains(proc.resolve("stat").toString()), missing.getMessage());

        write("cpu  1 2 3 4\n", MEMINFO, "garbage\n");
        IOException garbage = assertThrows(IOException.class, host::collect);
        assertTrue(garbage.getMessage().contains("loadavg"), garbage.getMessage());

        write("cpu  1 2 3 4\n", MEMINFO, "0.10 0.20 0.30 1/100 42\n");
        assertEquals(0.2, byName(host.collect()).get("host_load5"));
        host.cleanup();
    }
}
