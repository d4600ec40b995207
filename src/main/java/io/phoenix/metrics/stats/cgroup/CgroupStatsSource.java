package io.phoenix.metrics.stats.cgroup;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.stats.StatsSample;
import io.phoenix.metrics.stats.StatsSource;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One endpoint's containers, read from the kernel by the shared {@link CgroupSampler} (one thread, one pass over
 * the containers of every endpoint per interval). Discovery, names and lifecycle still come from the runtime API:
 * this only turns "container X runs as PID N" into samples. Opens no stream to the runtime.
 */
public final class CgroupStatsSource implements StatsSource {

    private final CgroupSampler sampler;
    private final String endpoint;
    private final Consumer<StatsSample> sink;
    /** Container id to the PID its files were opened for; read by the sampler thread before every delivery. */
    private final Map<String, Integer> wanted = new ConcurrentHashMap<>();

    CgroupStatsSource(CgroupSampler sampler, String endpoint, Consumer<StatsSample> sink) {
        this.sampler = sampler;
        this.endpoint = endpoint;
        this.sink = sink;
    }

    /** Tracks a running container by its init PID; one without a PID (not running) is not tracked. Non-blocking. */
    @Override
    public void track(ContainerInfo container) {
        Integer pid = container.pid();
        if (pid == null || pid <= 0) {
            untrack(container.id());
            return;
        }
        Integer previous = wanted.put(container.id(), pid);
        if (!pid.equals(previous)) {
            sampler.open(this, container.id(), pid); // restarted: new PID, new cgroup files
        }
    }

    /** Stops delivering at once (no sample of this container reaches the sink after this returns) and closes its files. */
    @Override
    public void untrack(String containerId) {
        Integer previous;
        synchronized (this) {
            previous = wanted.remove(containerId);
        }
        if (previous != null) {
            sampler.release(this, containerId);
        }
    }

    /** Called by the sampler thread: delivers unless the container was untracked or restarted meanwhile. */
    void deliver(int pid, StatsSample sample) {
        synchronized (this) {
            if (Objects.equals(wanted.get(sample.containerId()), pid)) {
                sink.accept(sample);
            }
        }
    }

    boolean wants(String containerId, int pid) {
        return Objects.equals(wanted.get(containerId), pid);
    }

    String endpoint() {
        return endpoint;
    }

    /** No streams to the runtime: the self-metric for held files is phoenix_cgroup_open_files. */
    @Override
    public int openStreams() {
        return 0;
    }

    @Override
    public void close() {
        synchronized (this) {
            wanted.clear();
        }
        sampler.releaseAll(this);
    }
}
