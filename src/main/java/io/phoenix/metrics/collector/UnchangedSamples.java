package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.stats.SampleWindow;
import io.phoenix.metrics.stats.StatsSample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which containers read as they did when their collectors last ran on them: the same record, and the same counters
 * in both of the newest two samples then and now (so rates are zero both times). Collectors whose values follow from
 * those alone ({@link ContainerMetricsCollector#followsSamples}) would compute the same values again; on a node most
 * containers are idle most seconds.
 */
final class UnchangedSamples {

    /** What the collectors last ran on, kept only when its window was flat. */
    private record Basis(ContainerInfo container, StatsSample latest) {
    }

    /** Some snapshots: those the collectors that follow samples must run on, and those that read as last time. */
    record Split(List<ContainerSnapshot> changed, List<ContainerSnapshot> same) {
    }

    private final Map<String, Basis> basis = new ConcurrentHashMap<>();
    private volatile boolean off;

    /** From now on every snapshot counts as changed. */
    void turnOff() {
        off = true;
        basis.clear();
    }

    Split split(List<ContainerSnapshot> snapshots) {
        List<ContainerSnapshot> changed = new ArrayList<>(snapshots.size());
        List<ContainerSnapshot> same = new ArrayList<>();
        for (ContainerSnapshot snapshot : snapshots) {
            (unchanged(snapshot) ? same : changed).add(snapshot);
        }
        return new Split(changed, same);
    }

    /** Every collector ran on these snapshots, and failed on the containers in {@code failed}: those are unknown. */
    void ranOn(List<ContainerSnapshot> snapshots, Set<String> failed) {
        for (ContainerSnapshot snapshot : snapshots) {
            String id = snapshot.container().id();
            if (!off && !failed.contains(id) && flat(snapshot.samples())) {
                basis.put(id, new Basis(snapshot.container(), snapshot.latest()));
            } else {
                basis.remove(id);
            }
        }
    }

    /** Whether the collectors that follow samples would write what they wrote last time; false while unknown. */
    private boolean unchanged(ContainerSnapshot snapshot) {
        Basis last = basis.get(snapshot.container().id());
        return last != null && last.container() == snapshot.container() && flat(snapshot.samples())
                && snapshot.latest().sameReadings(last.latest());
    }

    void forget(String containerId) {
        basis.remove(containerId);
    }

    void retain(Set<String> containerIds) {
        basis.keySet().retainAll(containerIds);
    }

    private static boolean flat(SampleWindow window) {
        return window != null && window.previous() != null && window.latest().sameReadings(window.previous());
    }
}
