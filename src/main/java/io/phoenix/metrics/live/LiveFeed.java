package io.phoenix.metrics.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.collector.MetricStore;
import io.phoenix.metrics.collector.MetricValue;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.discovery.ContainerInfo;
import io.phoenix.metrics.discovery.ContainerInventory;
import io.phoenix.metrics.discovery.InventoryChange;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live feed behind the SSE endpoints: every collection interval, one {@link FeedEvent.Metrics} per container
 * (read from the metric store, never from a runtime), plus start and removal events as discovery sees them, and
 * for the compact format the declarations its values refer to. Nothing is produced while nobody listens.
 *
 * <p>Events are made once and shared by every client (so is their serialization, see {@link Memo}). A compact
 * client's first event is made under the same lock as every broadcast, so it misses no declaration.
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
    private final Object lock = new Object();
    private final Catalog catalog = new Catalog();
    private final Map<String, FeedEvent.Metrics> latest = new HashMap<>();
    private final Map<String, FeedEvent.Declared> declarations = new HashMap<>();
    private long refreshedAt = Long.MIN_VALUE / 2;
    private static final long NO_TIMER = -1;
    /** The tick's timer while clients are connected; changed under {@code clients}' monitor. */
    private long timer = NO_TIMER;
    private Counter dropped;
    private Counter overflowed;
    private Counter connected;

    void start(@Observes StartupEvent event) {
        Gauge.builder("phoenix_sse_clients", clients, AtomicInteger::get).description("Live (SSE) clients connected.")
                .register(meters);
        dropped = Counter.builder("phoenix_sse_dropped_events").description("Events not delivered to a client that fell behind.")
                .register(meters);
        overflowed = Counter.builder("phoenix_sse_overflow_disconnects")
                .description("Clients disconnected because they did not read their events.").register(meters);
        connected = Counter.builder("phoenix_sse_connections").description("Live (SSE) clients that connected.")
                .register(meters);
    }

    /** The feed's timer runs only while someone listens: an agent nobody watches live is not woken for it. */
    private void joined() {
        connected.increment();
        synchronized (clients) {
            if (clients.incrementAndGet() == 1) {
                timer = vertx.setPeriodic(config.collectionInterval().toMillis(), id -> tick());
            }
        }
    }

    private void left() {
        synchronized (clients) {
            if (clients.decrementAndGet() == 0 && timer != NO_TIMER) {
                vertx.cancelTimer(timer);
                timer = NO_TIMER;
            }
        }
    }

    private void tick() {
        if (clients.get() == 0) {
            return;
        }
        synchronized (lock) {
            refresh();
        }
    }

    /** One tick: new families, changed layouts, then every container's values. Under the lock. */
    private void refresh() {
        Instant now = Instant.now();
        List<FeedEvent> declared = new ArrayList<>();
        List<FeedEvent.Metrics> values = new ArrayList<>();
        Map<String, ContainerInfo> present = new HashMap<>();
        for (ContainerInfo container : inventory.all()) {
            present.put(container.id(), container);
            List<MetricValue> metrics = store.of(container.id());
            Layout before = catalog.layout(container.id());
            Layout layout = catalog.layout(container, metrics);
            if (layout != before) {
                declared.add(declare(layout));
            }
            values.add(new FeedEvent.Metrics(container, now, metrics, layout));
        }
        // Gone while nobody listened (removals are followed live only with clients).
        for (Layout gone : List.copyOf(catalog.layouts())) {
            if (!present.containsKey(gone.container().id())) {
                processor.onNext(new FeedEvent.Removed(gone.container(), now, forget(gone.container().id())));
            }
        }
        declareFamilies();
        declared.forEach(processor::onNext);
        latest.clear();
        for (FeedEvent.Metrics m : values) {
            latest.put(m.container().id(), m);
            processor.onNext(m);
        }
        processor.onNext(new FeedEvent.Tick(now));
        refreshedAt = System.nanoTime();
    }

    private void declareFamilies() {
        List<Family> fresh = catalog.drainNew();
        if (!fresh.isEmpty()) {
            processor.onNext(new FeedEvent.Families(fresh));
        }
    }

    private FeedEvent.Declared declare(Layout layout) {
        FeedEvent.Declared declared = new FeedEvent.Declared(layout);
        declarations.put(layout.container().id(), declared);
        return declared;
    }

    private Layout forget(String containerId) {
        latest.remove(containerId);
        declarations.remove(containerId);
        return catalog.forget(containerId);
    }

    void onInventoryChange(@Observes InventoryChange change) {
        if (clients.get() == 0) {
            return;
        }
        ContainerInfo container = change.container();
        synchronized (lock) {
            if (change instanceof InventoryChange.Removed) {
                processor.onNext(new FeedEvent.Removed(container, Instant.now(), forget(container.id())));
                return;
            }
            if (change instanceof InventoryChange.Added) {
                processor.onNext(new FeedEvent.Started(container, Instant.now()));
            }
            Layout before = catalog.layout(container.id());
            Layout layout = catalog.layout(container, store.of(container.id()));
            if (layout != before) {
                declareFamilies();
                processor.onNext(declare(layout));
            }
        }
    }

    /** The events one client asked for, bounded as described above; cancelling releases everything. */
    public Multi<FeedEvent> subscribe(FeedFilter filter, WireFormat format) {
        Multi<FeedEvent> events = Multi.createFrom().emitter(emitter -> {
            Cancellable live;
            synchronized (lock) {
                if (format == WireFormat.COMPACT) {
                    emitter.emit(hello(filter));
                }
                live = processor.filter(e -> format.carries(e) && filter.matches(e))
                        .subscribe().with(emitter::emit, emitter::fail, emitter::complete);
            }
            emitter.onTermination(live::cancel);
        });
        return events
                .onOverflow().invoke(ignored -> dropped.increment()).buffer(config.sse().buffer())
                .onFailure(BackPressureFailure.class).invoke(ignored -> overflowed.increment())
                .onSubscription().invoke(this::joined)
                .onTermination().invoke(this::left);
    }

    /** The current state for one new compact client; refreshed first unless a tick just did it. Under the lock. */
    private FeedEvent.Hello hello(FeedFilter filter) {
        if (System.nanoTime() - refreshedAt > config.collectionInterval().toNanos()) {
            refresh();
        }
        List<FeedEvent.Declared> containers = new ArrayList<>();
        List<FeedEvent.Metrics> values = new ArrayList<>();
        for (Layout layout : catalog.layouts()) {
            if (filter.matches(layout.container())) {
                containers.add(declarations.get(layout.container().id()));
                FeedEvent.Metrics m = latest.get(layout.container().id());
                if (m != null && m.layout() == layout) {
                    values.add(m);
                }
            }
        }
        return new FeedEvent.Hello(config.collectionInterval().toMillis(), List.copyOf(catalog.families()), containers, values,
                new Memo());
    }

    public int clients() {
        return clients.get();
    }

    /** Clients that connected since start, including those gone. */
    public long connections() {
        return (long) connected.count();
    }
}
