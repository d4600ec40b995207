package io.phoenix.metrics.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.InventoryChange;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live feed behind the SSE endpoints: every collection interval, one {@link FeedEvent.Metrics} per container
 * (read from the metric store, never from a runtime), plus start and removal events as discovery sees them.
 * Nothing is produced while nobody listens.
 *
 * <p>Memory per client is bounded: a client that does not keep up has {@code metrics.sse.buffer} events queued
 * for it at most; one more and it is disconnected, and both the dropped event and the disconnect are counted.
 */
@ApplicationScoped
public class LiveFeed {

    @Inject
    ContainerInventory inventory;
    @Inject
    MetricStore store;
    @Inject
    Vertx vertx;
    @Inject
    MetricsConfig config;
    @Inject
    MeterRegistry meters;

    private final BroadcastProcessor<FeedEvent> processor = BroadcastProcessor.create();
    private final AtomicInteger clients = new AtomicInteger();
    private Counter dropped;
    private Counter overflowed;

    void start(@Observes StartupEvent event) {
        Gauge.builder("phoenix_sse_clients", clients, AtomicInteger::get).description("Live (SSE) clients connected.")
                .register(meters);
        dropped = Counter.builder("phoenix_sse_dropped_events").description("Events not delivered to a client that fell behind.")
                .register(meters);
        overflowed = Counter.builder("phoenix_sse_overflow_disconnects")
                .description("Clients disconnected because they did not read their events.").register(meters);
        vertx.setPeriodic(config.collectionInterval().toMillis(), id -> tick());
    }

    private void tick() {
        if (clients.get() == 0) {
            return;
        }
        Instant now = Instant.now();
        for (ContainerInfo container : inventory.all()) {
            processor.onNext(new FeedEvent.Metrics(container, now, store.of(container.id())));
        }
    }

    void onInventoryChange(@Observes InventoryChange change) {
        if (clients.get() == 0) {
            return;
        }
        if (change instanceof InventoryChange.Added added) {
            processor.onNext(new FeedEvent.Started(added.container(), Instant.now()));
        } else if (change instanceof InventoryChange.Removed removed) {
            processor.onNext(new FeedEvent.Removed(removed.container(), Instant.now()));
        }
    }

    /** The events one client asked for, bounded as described above; cancelling releases everything. */
    public Multi<FeedEvent> subscribe(FeedFilter filter) {
        return processor
                .filter(filter::matches)
                .map(filter::narrow)
                .onOverflow().invoke(ignored -> dropped.increment()).buffer(config.sse().buffer())
                .onFailure(BackPressureFailure.class).invoke(ignored -> overflowed.increment())
                .onSubscription().invoke(() -> clients.incrementAndGet())
                .onTermination().invoke(() -> clients.decrementAndGet());
    }

    public int clients() {
        return clients.get();
    }
}
