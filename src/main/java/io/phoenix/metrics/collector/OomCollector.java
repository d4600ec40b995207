package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.stats.MemoryEvents;
import io.phoenix.metrics.stats.StatsSample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.phoenix.metrics.collector.MetricDefinition.counter;
import static io.phoenix.metrics.collector.MetricDefinition.gauge;

/**
 * OOM kills and memory limit events per container: the kernel's counters of the container's cgroup while it runs
 * (cgroup source), and the engine's word on a stopped container's last exit.
 */
public final class OomCollector extends TableCollector {

    static final List<MetricDefinition<MemoryEvents>> EVENTS = List.of(
            counter("container_oom_events_total", null,
                    "Processes the kernel's OOM killer killed in the container's cgroup (memory.events / memory.oom_control oom_kill), "
                            + "also those the container survived.",
                    MemoryEvents::oomKills),
            counter("container_memory_events_high_total", null,
                    "Times the container went over memory.high and was throttled into reclaim (cgroup v2 memory.events high).",
                    MemoryEvents::high),
            counter("container_memory_events_max_total", null,
                    "Times the container was about to go over memory.max (cgroup v2 memory.events max).",
                    MemoryEvents::max),
            gauge("container_memory_failcnt", null,
                    "Times the container's usage hit its limit (cgroup v1 memory.failcnt; writable, so a gauge).",
                    MemoryEvents::failcnt));

    static final MetricDefinition<ContainerSnapshot> OOM_KILLED = gauge("container_oom_killed", null,
            "On a stopped container: 1 when the engine says its last exit was an OOM kill (State.OOMKilled), else 0.",
            OomCollector::oomKilled);

    static Integer oomKilled(ContainerSnapshot s) {
        ContainerState state = s.container().state();
        // Docker and Podman say OOMKilled; CRI runtimes give the reason "OOMKilled"
        Boolean killed = s.container().oomKilled() != null ? s.container().oomKilled()
                : s.container().exitReason() != null ? Boolean.valueOf("OOMKilled".equals(s.container().exitReason())) : null;
        if (killed == null || (state != ContainerState.EXITED && state != ContainerState.DEAD)) {
            return null;
        }
        return killed ? 1 : 0;
    }

    public OomCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        Map<String, String> labels = labels(snapshot.labels(), null, null);
        List<MetricValue> out = new ArrayList<>(EVENTS.size());
        StatsSample latest = snapshot.latest();
        if (latest != null && latest.memoryEvents() != null) {
            emit(EVENTS, latest.memoryEvents(), labels, latest.readAt().toEpochMilli(), out);
        }
        MetricValue killed = OOM_KILLED.valueOf(snapshot, labels, snapshot.now().toEpochMilli());
        if (killed != null) {
            out.add(killed);
        }
        return out;
    }
}
