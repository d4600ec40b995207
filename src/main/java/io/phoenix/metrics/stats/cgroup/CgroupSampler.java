package io.phoenix.metrics.stats.cgroup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.stats.StatsSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The cgroup stats source's engine: decides at start-up whether container numbers come from the kernel
 * ({@code metrics.source}), and if so reads every tracked container of every endpoint in one pass per
 * {@code metrics.stats.interval}, on its own thread ("phoenix-cgroup"), never on the event loop. All reader state
 * is confined to that thread; {@link CgroupStatsSource#track}/{@code untrack} only enqueue work for it.
 */
@ApplicationScoped
public class CgroupSampler {

    private static final Logger LOG = Logger.getLogger(CgroupSampler.class);
    /** Attempts to open a container's files (one per pass) before giving up on it until it is tracked again. */
    private static final int OPEN_ATTEMPTS = 10;

    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry registry;

    /** What start-up chose, and why (also logged). */
    public record Decision(boolean cgroup, String reason) {
    }

    private Decision decision;
    private CgroupLayout layout;
    private Path procRoot;
    private boolean includeLoopback;
    private Duration interval;
    private Counter readErrors;
    private ScheduledExecutorService executor;

    // Confined to the sampler thread.
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final Scan scan = new Scan();
    private final long[] host = new long[2];
    private KernelFile procStat;

    private final AtomicInteger openFiles = new AtomicInteger();
    private volatile int lastPassContainers;
    private volatile long lastPassNanos;

    private static final class Tracked {
        final CgroupStatsSource source;
        final String containerId;
        final int pid;
        ContainerReader reader;
        int failures;
        boolean givenUp;

        Tracked(CgroupStatsSource source, String containerId, int pid) {
            this.source = source;
            this.containerId = containerId;
            this.pid = pid;
        }
    }

    @PostConstruct
    void init() {
        Path cgroupRoot = Path.of(config.cgroup().root());
        procRoot = Path.of(config.proc().root());
        includeLoopback = config.cgroup().includeLoopback();
        interval = config.stats().interval();
        layout = CgroupLayout.detect(cgroupRoot);
        decision = decide(config.source(), layout, procRoot);
        if (decision.cgroup()) {
            Gauge.builder("phoenix_cgroup_open_files", openFiles, AtomicInteger::get)
                    .description("File descriptors the cgroup stats source holds open across ticks: at most "
                            + ContainerReader.MAX_HELD + " per container (one more for a moment during the per-process I/O fallback), plus /proc/stat.")
                    .register(registry);
            Gauge.builder("phoenix_cgroup_containers", this, s -> s.lastPassContainers)
                    .description("Containers the cgroup stats source read in its last pass.")
                    .register(registry);
            Gauge.builder("phoenix_cgroup_pass_seconds", this, s -> s.lastPassNanos / 1e9)
                    .description("Duration of the cgroup stats source's last pass over all containers.")
                    .baseUnit("seconds")
                    .register(registry);
            readErrors = Counter.builder("phoenix_cgroup_read_errors")
                    .description("Container readings the cgroup stats source skipped because a file could not be read (usually a container that just stopped).")
                    .register(registry);
        }
    }

    /**
     * @throws IllegalStateException for {@code metrics.source=cgroup} on a host whose cgroup or proc file system cannot
     *                               be read, so that start-up fails and says why
     */
    static Decision decide(MetricsConfig.Source source, CgroupLayout layout, Path procRoot) {
        String unreadable = null;
        if (layout.kind() == CgroupLayout.Kind.NONE) {
            unreadable = "no cgroup v1 controller or cgroup2 mount under " + layout.root() + " (metrics.cgroup.root)";
        } else if (!Files.isReadable(procRoot.resolve("self").resolve("cgroup"))) {
            unreadable = procRoot.resolve("self").resolve("cgroup") + " is not readable (metrics.proc.root)";
        }
        return switch (source) {
            case API -> new Decision(false, "metrics.source=api");
            case CGROUP -> {
                if (unreadable != null) {
                    throw new IllegalStateException("metrics.source=cgroup, but " + unreadable);
                }
                yield new Decision(true, "metrics.source=cgroup, " + layout);
            }
            case AUTO -> unreadable == null
                    ? new Decision(true, "metrics.source=auto, cgroup " + layout)
                    : new Decision(false, "metrics.source=auto, runtime API: " + unreadable);
        };
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("container stats from %s (%s)", decision.cgroup() ? "the kernel's cgroup files" : "the runtime APIs", decision.reason());
    }

    CgroupLayout layout() {
        return layout;
    }

    Path procRoot() {
        return procRoot;
    }

    public Decision decision() {
        return decision;
    }

    /** Whether StatsPipeline should give endpoints a {@link CgroupStatsSource} rather than an API stream. */
    public boolean enabled() {
        return decision.cgroup();
    }

    /** A source for one endpoint's containers; all of them share this sampler's thread and pass. */
    public StatsSource source(String endpoint, Consumer<StatsSample> sink) {
        start();
        return new CgroupStatsSource(this, endpoint, sink);
    }

    private synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "phoenix-cgroup");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(100, interval.toMillis());
        executor.scheduleAtFixedRate(this::pass, period, period, TimeUnit.MILLISECONDS);
        LOG.debugf("cgroup sampler reads every %d ms from %s and %s", period, layout, procRoot);
    }

    // ---- called from any thread: enqueue ------------------------------------------------------------------------

    void open(CgroupStatsSource source, String containerId, int pid) {
        execute(() -> openNow(source, containerId, pid));
    }

    void release(CgroupStatsSource source, String containerId) {
        execute(() -> {
            Tracked t = tracked.get(containerId);
            if (t != null && t.source == source) {
                drop(t);
            }
        });
    }

    void releaseAll(CgroupStatsSource source) {
        execute(() -> new ArrayList<>(tracked.values()).stream().filter(t -> t.source == source).forEach(this::drop));
    }

    private void execute(Runnable task) {
        ScheduledExecutorService running = executor;
        if (running != null && !running.isShutdown()) {
            running.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "cgroup sampler task failed");
                }
            });
        }
    }

    /** Descriptors held now, all containers plus /proc/stat. */
    public int openFiles() {
        return openFiles.get();
    }

    /**
     * A fresh reading of one tracked container, off-tick and not delivered anywhere (diagnostics, tests that compare
     * with a runtime's answer). Empty when the container is not tracked or its files are not open.
     */
    public Optional<StatsSample> readNow(String containerId) {
        return onSamplerThread(() -> {
            Tracked t = tracked.get(containerId);
            if (t == null || t.reader == null || !readHost()) {
                return null;
            }
            return t.reader.read(scan, host[0], (int) host[1], Instant.now());
        });
    }

    /** Descriptors held for one container (0 when untracked), read on the sampler thread. */
    public int openFiles(String containerId) {
        Integer n = onSamplerThread(() -> {
            Tracked t = tracked.get(containerId);
            return t == null || t.reader == null ? 0 : t.reader.openFiles();
        }).orElse(0);
        return n;
    }

    /** Where the disk numbers of a tracked container come from ("IO_STAT", "BLKIO", "PROC_IO", "NONE"). */
    public Optional<String> diskSource(String containerId) {
        return onSamplerThread(() -> {
            Tracked t = tracked.get(containerId);
            return t == null || t.reader == null ? null : t.reader.diskSource().name();
        });
    }

    private interface SamplerCall<T> {
        T call() throws IOException;
    }

    private <T> Optional<T> onSamplerThread(SamplerCall<T> call) {
        ScheduledExecutorService running = executor;
        if (running == null || running.isShutdown()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(running.submit(call::call).get(10, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    // ---- the sampler thread ------------------------------------------------------------------------------------

    private void openNow(CgroupStatsSource source, String containerId, int pid) {
        Tracked t = tracked.get(containerId);
        if (t != null) {
            if (t.pid == pid && t.source == source) {
                return;
            }
            drop(t);
        }
        if (!source.wants(containerId, pid)) {
            return; // untracked or restarted again before this ran
        }
        t = new Tracked(source, containerId, pid);
        tracked.put(containerId, t);
        tryOpen(t);
    }

    private void tryOpen(Tracked t) {
        try {
            t.reader = ContainerReader.open(layout, procRoot, t.containerId, t.pid, includeLoopback);
            openFiles.addAndGet(t.reader.openFiles());
            LOG.debugf("%s: reading %s (PID %d, %d files)", t.containerId, t.reader.cgroup(), t.pid, t.reader.openFiles());
        } catch (ContainerReader.NotTheContainer e) {
            t.givenUp = true;
            LOG.warnf("%s: not read from cgroup files: %s", t.containerId, e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (++t.failures >= OPEN_ATTEMPTS) {
                t.givenUp = true;
                LOG.warnf("%s: cannot open the cgroup files of PID %d: %s", t.containerId, t.pid, e.toString());
            } else {
                LOG.debugf("%s: cannot open the cgroup files of PID %d yet: %s", t.containerId, t.pid, e.toString());
            }
        }
    }

    private void drop(Tracked t) {
        tracked.remove(t.containerId);
        if (t.reader != null) {
            openFiles.addAndGet(-t.reader.openFiles());
            t.reader.close();
            t.reader = null;
        }
    }

    private boolean readHost() throws IOException {
        if (procStat == null) {
            procStat = KernelFile.open(procRoot.resolve("stat"), false);
            openFiles.incrementAndGet();
        }
        return KernelFormats.hostCpu(procStat.into(scan), host);
    }

    /** One pass: /proc/stat once, then every container's files once. */
    void pass() {
        try {
            if (tracked.isEmpty()) {
                lastPassContainers = 0;
                return;
            }
            long start = System.nanoTime();
            Instant readAt = Instant.now();
            if (!readHost()) {
                readErrors.increment();
                return;
            }
            int read = 0;
            for (Tracked t : tracked.values()) {
                if (t.reader == null) {
                    if (t.givenUp) {
                        continue;
                    }
                    tryOpen(t);
                    if (t.reader == null) {
                        continue;
                    }
                }
                StatsSample sample;
                try {
                    sample = t.reader.read(scan, host[0], (int) host[1], readAt);
                } catch (IOException e) {
                    readErrors.increment();
                    continue;
                }
                t.source.deliver(t.pid, sample);
                read++;
            }
            lastPassContainers = read;
            lastPassNanos = System.nanoTime() - start;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cgroup pass failed: %s", e.toString()); // a thrown exception would cancel the schedule
        }
    }

    @PreDestroy
    void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = executor;
        }
        if (running == null) {
            return;
        }
        running.execute(() -> {
            new ArrayList<>(tracked.values()).forEach(this::drop);
            if (procStat != null) {
                procStat.close();
                procStat = null;
                openFiles.decrementAndGet();
            }
        });
        running.shutdown();
        try {
            running.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
