package io.phoenix.metrics.collector;

import io.phoenix.metrics.config.MetricsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest values of every collector, per owner (a container id, or "host"), each with its exposition lines
 * ({@link SeriesText}), made here by the writer so that a scrape only copies them. Collectors write it once per
 * tick; /metrics, the REST API and the live streams only read it. The collection scheduler removes a removed
 * container's values.
 */
@ApplicationScoped
public class MetricStore {

    public static final String HOST = "host";

    /**
     * @param sampleAt when the sample the values were computed from was read (ms since the epoch), or -1
     * @param restamp  null, or a newer reading of the same counters: the values then read as stamped with its times
     */
    private record Owned(List<MetricValue> values, SeriesText text, long sampleAt, Stamps restamp) {

        List<MetricValue> current() {
            if (restamp == null) {
                return values;
            }
            List<MetricValue> restamped = new ArrayList<>(values.size());
            for (MetricValue v : values) {
                long at = v.timestamp() == sampleAt ? restamp.sample() : restamp.now();
                restamped.add(new MetricValue(v.family(), v.value(), at, v.labels()));
            }
            return restamped;
        }
    }

    /** The newer sample's time, and the collection time for values stamped with their collection's (ms). */
    private record Stamps(long sample, long now) {
    }

    @Inject
    MetricsConfig config;

    /** collector name -> owner -> values, in collector registration order. */
    private final Map<String, Map<String, Owned>> byCollector = new ConcurrentHashMap<>();
    private final List<String> collectorOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong version = new AtomicLong();

    void declare(String collector) {
        if (!collectorOrder.contains(collector)) {
            collectorOrder.add(collector);
        }
        byCollector.computeIfAbsent(collector, c -> new ConcurrentHashMap<>());
    }

    public void put(String collector, String owner, List<MetricValue> values) {
        put(collector, owner, values, -1);
    }

    /** @param sampleAt when the sample the values were computed from was read (ms), or -1 */
    public void put(String collector, String owner, List<MetricValue> values, long sampleAt) {
        Map<String, Owned> owners = byCollector.computeIfAbsent(collector, c -> new ConcurrentHashMap<>());
        if (values.isEmpty()) {
            owners.remove(owner);
        } else {
            Owned previous = owners.get(owner);
            boolean timestamps = config != null && config.exposition().timestamps();
            SeriesText text = SeriesText.of(values, previous == null ? null : previous.text(), timestamps);
            owners.put(owner, new Owned(List.copyOf(values), text, sampleAt, null));
            if (previous != null && text == previous.text()) {
                return; // the same lines: what was rendered from them still holds
            }
        }
        version.incrementAndGet();
    }

    /**
     * The values last put for this owner, computed again from a newer sample that read the same counters: they stay,
     * and read from now on as if put again, those stamped with the old sample's time with {@code sampleAt}, the others
     * with {@code now}. Their lines do not change (without exposed timestamps, the only case this is used in). Nothing
     * happens to an owner that has no values.
     */
    void restamp(String collector, String owner, long sampleAt, long now) {
        Map<String, Owned> owners = byCollector.get(collector);
        if (owners != null) {
            owners.computeIfPresent(owner, (o, owned) -> new Owned(owned.values(), owned.text(), owned.sampleAt(),
                    new Stamps(sampleAt, now)));
        }
    }

    /** Drops the owners of one collector that are no longer there (containers gone between two ticks). */
    void retain(String collector, Set<String> owners) {
        Map<String, Owned> current = byCollector.get(collector);
        if (current != null && current.keySet().retainAll(owners)) {
            version.incrementAndGet();
        }
    }

    /** Drops every value of one owner. */
    void forget(String owner) {
        byCollector.values().forEach(owners -> owners.remove(owner));
        version.incrementAndGet();
    }

    /**
     * Changes whenever an exposition line changed (not when the same values were written again), so readers can
     * cache what they render.
     */
    public long version() {
        return version.get();
    }

    /** All values, collector by collector, each owner's values together. */
    public List<MetricValue> all() {
        List<MetricValue> all = new ArrayList<>();
        for (String collector : collectorOrder) {
            Map<String, Owned> owners = byCollector.get(collector);
            if (owners != null) {
                owners.values().forEach(owned -> all.addAll(owned.current()));
            }
        }
        return all;
    }

    /** The exposition lines of all values, in the order of {@link #all()}. */
    public List<SeriesText> texts() {
        List<SeriesText> all = new ArrayList<>();
        for (String collector : collectorOrder) {
            Map<String, Owned> owners = byCollector.get(collector);
            if (owners != null) {
                owners.values().forEach(owned -> all.add(owned.text()));
            }
        }
        return all;
    }

    /** One owner's values from every collector. */
    public List<MetricValue> of(String owner) {
        List<MetricValue> values = new ArrayList<>();
        for (String collector : collectorOrder) {
            Map<String, Owned> owners = byCollector.get(collector);
            Owned mine = owners == null ? null : owners.get(owner);
            if (mine != null) {
                values.addAll(mine.current());
            }
        }
        return values;
    }
}
