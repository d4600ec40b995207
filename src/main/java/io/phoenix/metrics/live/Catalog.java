package io.phoenix.metrics.live;

import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the compact stream has declared: every family seen (numbered in order of appearance, never renumbered)
 * and the current {@link Layout} of each container. Not thread-safe: the feed calls it under its lock.
 */
final class Catalog {

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final List<Family> undeclared = new ArrayList<>();
    private final Map<String, Layout> layouts = new LinkedHashMap<>();
    private int nextRef;
    private int nextVersion;

    Collection<Family> families() {
        return families.values();
    }

    Collection<Layout> layouts() {
        return layouts.values();
    }

    Layout layout(String containerId) {
        return layouts.get(containerId);
    }

    /** Families first seen since the last call: declared to every client before a layout uses them. */
    List<Family> drainNew() {
        List<Family> fresh = List.copyOf(undeclared);
        undeclared.clear();
        return fresh;
    }

    /** The container's layout for these values: the same instance while neither metadata nor series changed. */
    Layout layout(ContainerInfo container, List<MetricValue> values) {
        Layout current = layouts.get(container.id());
        if (current != null && current.container().equals(container) && sameSeries(current, values)) {
            return current;
        }
        Layout next = build(current == null ? nextRef++ : current.ref(), container, values);
        layouts.put(container.id(), next);
        return next;
    }

    /** Forgets a container; its layout, or null if it was never declared. */
    Layout forget(String containerId) {
        return layouts.remove(containerId);
    }

    private static boolean sameSeries(Layout layout, List<MetricValue> values) {
        if (layout.series().size() != values.size()) {
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            MetricValue v = values.get(i);
            if (!layout.series().get(i).family().name().equals(v.name()) || !layout.labels().get(i).equals(v.labels())) {
                return false;
            }
        }
        return true;
    }

    private Layout build(int ref, ContainerInfo container, List<MetricValue> values) {
        Map<String, String> common = new LinkedHashMap<>(values.isEmpty() ? Map.of() : values.get(0).labels());
        for (MetricValue v : values) {
            common.entrySet().removeIf(e -> !e.getValue().equals(v.labels().get(e.getKey())));
        }
        List<Layout.Series> series = new ArrayList<>(values.size());
        List<Map<String, String>> labels = new ArrayList<>(values.size());
        for (MetricValue v : values) {
            Map<String, String> own = new LinkedHashMap<>();
            v.labels().forEach((key, value) -> {
                if (!common.containsKey(key)) {
                    own.put(key, value);
                }
            });
            series.add(new Layout.Series(family(v), own.isEmpty() ? Map.of() : own));
            labels.add(v.labels());
        }
        return new Layout(ref, nextVersion++, container, Collections.unmodifiableMap(common), List.copyOf(series),
                List.copyOf(labels));
    }

    private Family family(MetricValue v) {
        Family known = families.get(v.name());
        if (known != null) {
            return known;
        }
        Family fresh = new Family(families.size(), v.name(), v.type(), v.unit(), v.help());
        families.put(v.name(), fresh);
        undeclared.add(fresh);
        return fresh;
    }
}
