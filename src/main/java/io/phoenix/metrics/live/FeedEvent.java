package io.phoenix.metrics.live;

import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;

import java.time.Instant;
import java.util.List;

/** What live clients receive. Each event carries a {@link Memo} of its serialized forms, shared by all clients. */
public sealed interface FeedEvent {

    /** The container it is about; null for an event about the feed itself (every client receives those). */
    ContainerInfo container();

    Memo memo();

    /** One container's current values, once per collection tick, with the layout they were read for. */
    record Metrics(ContainerInfo container, Instant at, List<MetricValue> metrics, Layout layout, Memo memo) implements FeedEvent {
        Metrics(ContainerInfo container, Instant at, List<MetricValue> metrics, Layout layout) {
            this(container, at, metrics, layout, new Memo());
        }

        /** The values whose name starts with one of the prefixes (all of them for none). */
        public List<MetricValue> only(List<String> prefixes) {
            return prefixes.isEmpty() ? metrics : metrics.stream().filter(m -> FeedFilter.selects(prefixes, m.name())).toList();
        }
    }

    record Started(ContainerInfo container, Instant at, Memo memo) implements FeedEvent {
        Started(ContainerInfo container, Instant at) {
            this(container, at, new Memo());
        }
    }

    /** @param layout what the compact stream had declared for it; null if nothing was */
    record Removed(ContainerInfo container, Instant at, Layout layout, Memo memo) implements FeedEvent {
        Removed(ContainerInfo container, Instant at, Layout layout) {
            this(container, at, layout, new Memo());
        }
    }

    /** Compact stream: a container's (new) layout and metadata. */
    record Declared(Layout layout, Memo memo) implements FeedEvent {
        Declared(Layout layout) {
            this(layout, new Memo());
        }

        @Override
        public ContainerInfo container() {
            return layout.container();
        }
    }

    /** Compact stream: families seen for the first time, declared before any layout uses them. */
    record Families(List<Family> families, Memo memo) implements FeedEvent {
        Families(List<Family> families) {
            this(families, new Memo());
        }

        @Override
        public ContainerInfo container() {
            return null;
        }
    }

    /**
     * The end of a tick: what came since is written to each client at once. Compact clients also see it as an event,
     * so that the stream shows alive even with no container to show.
     */
    record Tick(Instant at, Memo memo) implements FeedEvent {
        Tick(Instant at) {
            this(at, new Memo());
        }

        @Override
        public ContainerInfo container() {
            return null;
        }
    }

    /**
     * Compact stream: a new client's first event, the current state (every family, the matching containers'
     * layouts and latest values), so that it can paint at once. Made for one client; the parts are shared.
     */
    record Hello(long intervalMillis, List<Family> families, List<Declared> containers, List<Metrics> values, Memo memo)
            implements FeedEvent {
        @Override
        public ContainerInfo container() {
            return null;
        }
    }
}
