package io.phoenix.metrics.stats;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Latest samples per container, in memory. Written by the stats streams, read by collectors; never by a scrape. */
@ApplicationScoped
public class SampleStore {

    private final Map<String, SampleWindow> windows = new ConcurrentHashMap<>();

    public void accept(StatsSample sample) {
        windows.compute(sample.containerId(), (id, window) -> window == null ? new SampleWindow(null, sample) : window.next(sample));
    }

    public Optional<SampleWindow> window(String containerId) {
        return Optional.ofNullable(windows.get(containerId));
    }

    public void forget(String containerId) {
        windows.remove(containerId);
    }

    public int size() {
        return windows.size();
    }
}
