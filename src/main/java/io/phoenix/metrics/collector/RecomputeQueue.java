package io.phoenix.metrics.collector;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Containers waiting to be recomputed after a sample or a change, de-duplicated. The first one queued starts a short
 * wait on the collection thread; whatever arrived meanwhile is then handed over as one batch. A sampler pass delivers
 * its containers within milliseconds: gathered, they are one guarded run per collector instead of one per container.
 */
final class RecomputeQueue {

    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CollectionThread thread;
    private final long gatherMillis;
    private final Consumer<List<String>> recompute;

    RecomputeQueue(CollectionThread thread, long gatherMillis, Consumer<List<String>> recompute) {
        this.thread = thread;
        this.gatherMillis = gatherMillis;
        this.recompute = recompute;
    }

    /** Cheap; called from event loops and the cgroup thread. */
    void add(String containerId) {
        queued.add(containerId);
        if (draining.compareAndSet(false, true)) {
            thread.after(gatherMillis, this::drain);
        }
    }

    void remove(String containerId) {
        queued.remove(containerId);
    }

    private void drain() {
        try {
            do {
                List<String> batch = new ArrayList<>(queued.size());
                for (Iterator<String> it = queued.iterator(); it.hasNext(); ) {
                    batch.add(it.next());
                    it.remove();
                }
                if (!batch.isEmpty()) {
                    recompute.accept(batch);
                }
                draining.set(false);
            } while (!queued.isEmpty() && draining.compareAndSet(false, true));
        } catch (RuntimeException e) {
            draining.set(false);
            throw e;
        }
    }
}
