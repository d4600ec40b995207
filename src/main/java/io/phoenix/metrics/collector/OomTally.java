package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.InventoryChange;
import io.phoenix.metrics.discovery.OomReported;
import io.phoenix.metrics.stats.SampleStore;
import io.phoenix.metrics.stats.SampleWindow;
import io.phoenix.metrics.stats.StatsSample;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OOM kills counted per container name (labelled like container_info without the id), so that the count survives the
 * container being replaced by a new one of the same name. A container's kills are the largest of three witnesses,
 * which see the same kills: the engine's {@code oom} events (Docker), the kernel's oom_kill counter of its cgroup (the
 * cgroup source, while it runs) and exits the engine marks OOMKilled. When the container goes, its kills stay with
 * the name. Bounded: at most {@value #MAX_NAMES} names.
 */
@ApplicationScoped
public class OomTally {

    private static final Logger LOG = Logger.getLogger(OomTally.class);
    static final int MAX_NAMES = 10_000;
    private static final int SEEN_EVENTS = 256;
    /** Docker reports one kill as two or more {@code oom} events milliseconds apart (seen: 2.5 ms): one kill. */
    private static final long SAME_KILL_NANOS = 1_000_000_000L;

    @Inject
    MetricsConfig config;
    @Inject
    SampleStore samples;

    private LabelPolicy policy;
    private final Map<Map<String, String>, Name> names = new LinkedHashMap<>();
    private final Map<String, Kills> containers = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final ArrayDeque<String> seenOrder = new ArrayDeque<>();
    private boolean warned;

    /** Per name: what containers that are gone left, and the ids that still exist. */
    private static final class Name {
        long retired;
        final Set<String> live = new HashSet<>();
    }

    /** One container's witnesses. */
    private static final class Kills {
        final Map<String, String> name;
        long events;
        long lastEventNano = Long.MIN_VALUE;
        long exits;
        long kernelBefore;
        long kernel;

        Kills(Map<String, String> name) {
            this.name = name;
        }

        long count() {
            return Math.max(Math.max(events, exits), kernelBefore + kernel);
        }
    }

    @PostConstruct
    void init() {
        start(new LabelPolicy(config.labels().containerLabels().orElse(List.of())), samples);
    }

    void start(LabelPolicy labels, SampleStore store) {
        policy = labels;
        samples = store;
        store.onSample(this::sampled);
    }

    synchronized void onChange(@Observes InventoryChange change) {
        ContainerInfo container = change.container();
        if (change instanceof InventoryChange.Removed) {
            Kills kills = containers.remove(container.id());
            if (kills != null) {
                Name name = names.get(kills.name);
                name.live.remove(container.id());
                name.retired += kills.count();
                if (name.live.isEmpty() && name.retired == 0) {
                    names.remove(kills.name);
                }
            }
            return;
        }
        Kills kills = track(container);
        ContainerInfo previous = change instanceof InventoryChange.Updated u ? u.previous() : null;
        boolean newExit = container.finishedAt() != null
                && (previous == null || !container.finishedAt().equals(previous.finishedAt()));
        if (kills != null && newExit && Boolean.TRUE.equals(container.oomKilled())) {
            kills.exits++;
        }
    }

    synchronized void onOom(@Observes OomReported event) {
        String key = event.container().id() + '@' + event.timeNano();
        if (!seen.add(key)) {
            return; // replayed after a reconnect
        }
        seenOrder.add(key);
        if (seenOrder.size() > SEEN_EVENTS) {
            seen.remove(seenOrder.poll());
        }
        Kills kills = track(event.container());
        if (kills != null && (kills.lastEventNano == Long.MIN_VALUE || event.timeNano() - kills.lastEventNano >= SAME_KILL_NANOS)) {
            kills.events++;
            kills.lastEventNano = event.timeNano();
        }
    }

    private void sampled(String containerId) {
        StatsSample latest = samples.window(containerId).map(SampleWindow::latest).orElse(null);
        if (latest == null || latest.memoryEvents() == null || latest.memoryEvents().oomKills() == null) {
            return;
        }
        long count = latest.memoryEvents().oomKills();
        synchronized (this) {
            Kills kills = containers.get(containerId);
            if (kills == null) {
                return; // not in the inventory (yet): its change event tracks it
            }
            if (count < kills.kernel) {
                kills.kernelBefore += kills.kernel; // restarted in a new cgroup: the kernel's count began again
            }
            kills.kernel = count;
        }
    }

    private Kills track(ContainerInfo container) {
        Kills kills = containers.get(container.id());
        if (kills != null) {
            return kills;
        }
        Map<String, String> key = policy.metadata(container);
        key.remove("container_id");
        Name name = names.get(key);
        if (name == null) {
            if (names.size() >= MAX_NAMES) {
                if (!warned) {
                    warned = true;
                    LOG.warnf("OOM kills by name: more than %d names, new names are not counted", MAX_NAMES);
                }
                return null;
            }
            name = new Name();
            names.put(key, name);
        }
        name.live.add(container.id());
        kills = new Kills(key);
        containers.put(container.id(), kills);
        return kills;
    }

    /** Kills per name (its labels), the names of present containers included at 0. */
    public synchronized Map<Map<String, String>, Long> byName() {
        Map<Map<String, String>, Long> out = new LinkedHashMap<>();
        for (Map.Entry<Map<String, String>, Name> entry : names.entrySet()) {
            long total = entry.getValue().retired;
            for (String id : entry.getValue().live) {
                total += containers.get(id).count();
            }
            out.put(entry.getKey(), total);
        }
        return out;
    }
}
