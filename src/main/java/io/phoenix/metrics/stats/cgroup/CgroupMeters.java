package io.phoenix.metrics.stats.cgroup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** The cgroup source's own families: descriptors held, containers and time of the last pass, read errors. */
final class CgroupMeters {

    final AtomicInteger openFiles = new AtomicInteger();
    private volatile int lastPassContainers;
    private volatile long lastPassNanos;
    private Counter readErrors;

    /** Registers the families; only when the cgroup source is in use, so an api-source agent does not show them. */
    void register(MeterRegistry registry) {
        Gauge.builder("phoenix_cgroup_open_files", openFiles, AtomicInteger::get)
                .description("File descriptors the cgroup stats source holds open across ticks: at most "
                        + ContainerReader.MAX_HELD + " per container (one more for a moment during the per-process I/O fallback), plus /proc/stat.")
                .register(registry);
        Gauge.builder("phoenix_cgroup_containers", this, m -> m.lastPassContainers)
                .description("Containers the cgroup stats source read in its last pass.")
                .register(registry);
        Gauge.builder("phoenix_cgroup_pass_seconds", this, m -> m.lastPassNanos / 1e9)
                .description("Duration of the cgroup stats source's last pass over all containers.")
                .baseUnit("seconds")
                .register(registry);
        readErrors = Counter.builder("phoenix_cgroup_read_errors")
                .description("Container readings the cgroup stats source skipped because a file could not be read (usually a container that just stopped).")
                .register(registry);
    }

    void readError() {
        if (readErrors != null) {
            readErrors.increment();
        }
    }

    void pass(int containers, long nanos) {
        lastPassContainers = containers;
        lastPassNanos = nanos;
    }

    void emptyPass() {
        lastPassContainers = 0;
    }
}
