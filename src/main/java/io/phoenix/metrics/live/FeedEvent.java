package io.phoenix.metrics.live;

import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.discovery.ContainerInfo;

import java.time.Instant;
import java.util.List;

/** What live clients receive; the SSE event name is {@link #type()}. */
public sealed interface FeedEvent permits FeedEvent.Metrics, FeedEvent.Started, FeedEvent.Removed {

    String type();

    ContainerInfo container();

    Instant at();

    /** One container's current values, once per collection tick. */
    record Metrics(ContainerInfo container, Instant at, List<MetricValue> metrics) implements FeedEvent {
        @Override
        public String type() {
            return "metrics";
        }

        Metrics only(List<String> prefixes) {
            return prefixes.isEmpty() ? this
                    : new Metrics(container, at, metrics.stream().filter(m -> prefixes.stream().anyMatch(m.name()::startsWith)).toList());
        }
    }

    record Started(ContainerInfo container, Instant at) implements FeedEvent {
        @Override
        public String type() {
            return "container-started";
        }
    }

    record Removed(ContainerInfo container, Instant at) implements FeedEvent {
        @Override
        public String type() {
            return "container-removed";
        }
    }
}
