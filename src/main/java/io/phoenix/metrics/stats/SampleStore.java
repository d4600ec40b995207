package io.phoenix.metrics.stats;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Latest samples per container, in memory. Written by the stats streams, read by collectors; never by a scrape. */
@ApplicationScoped
public class SampleStore {

    private final Map<String, SampleWindow> windows = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public void accept(StatsSample sample) {
        windows.compute(sample.containerId(), (id, window) -> window == null ? new SampleWindow(null, sample) : window.next(sample));
        for (Consumer<String> listener : listeners) {
            listener.accept(sample.containerId());
        }
    }

    /** Told the container id of every new sample, on the thread that delivered it (an event loop: do not block). */
    public void onSample(Consumer<String> listener) {
        listeners.add(listener);
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
