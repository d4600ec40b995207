package io.phoenix.metrics.exposition;

import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One rendering of a scrape body, made again only when its source changed and the last one is at least
 * {@link #MAX_STALENESS_NANOS} old. The source changes with every sample (a hundred times a second with a hundred
 * containers), so without that floor every scrape would render thousands of lines; with it, what a scrape serves is
 * at most 100 ms older than the source.
 *
 * <p>A request that finds the page stale but younger than {@link #MAX_SERVED_AGE_NANOS} does not wait for the next
 * one: it is served this one, and the next is rendered off the request path, once, for the requests after it. So a
 * client that asks faster than the floor never pays for a render, and what it is served is at most 200 ms older than
 * the source. An older page (the first scrape, a client back after a pause) is rendered on the request: serving it
 * would show numbers from before the pause.
 *
 * <p>The bytes are kept as a Vert.x buffer that every scrape writes as it is: each write takes its own slice, so
 * nothing is copied per scrape. (At 100 containers a body is about 500 KiB; copying it per scrape was most of the
 * agent's garbage under a fast scraper, and the young collections it caused were the scrape latency's tail.)
 */
final class RenderCache {

    static final long MAX_STALENESS_NANOS = 100_000_000L;
    static final long MAX_SERVED_AGE_NANOS = 2 * MAX_STALENESS_NANOS;

    private record Rendered(long version, long renderedAt, Buffer bytes) {
    }

    private final Executor offPath;
    private final LongSupplier clock;
    private final AtomicBoolean renderingOffPath = new AtomicBoolean();
    private volatile Rendered last;

    /** @param offPath runs the renders that no request waits for */
    RenderCache(Executor offPath) {
        this(offPath, System::nanoTime);
    }

    RenderCache(Executor offPath, LongSupplier clock) {
        this.offPath = offPath;
        this.clock = clock;
    }

    /** Vert.x's worker pool, looked up when a render runs: the beans that hold caches get it injected after. */
    static Executor workers(Supplier<Vertx> vertx) {
        return render -> vertx.get().executeBlocking(() -> {
            render.run();
            return null;
        }, false);
    }

    /** When the page served now was rendered (the clock's nanoseconds), or Long.MIN_VALUE before the first. */
    long renderedAt() {
        Rendered cached = last;
        return cached == null ? Long.MIN_VALUE : cached.renderedAt();
    }

    /**
     * @param version changes whenever the source changed; a source without one passes the clock, and is then
     *                rendered again once the floor has passed
     */
    Buffer get(long version, Supplier<byte[]> render) {
        Rendered cached = last;
        if (cached == null) {
            return renderIfStale(version, render);
        }
        long age = clock.getAsLong() - cached.renderedAt();
        if (cached.version() == version || age < MAX_STALENESS_NANOS) {
            return cached.bytes();
        }
        if (age >= MAX_SERVED_AGE_NANOS) {
            return renderIfStale(version, render);
        }
        if (renderingOffPath.compareAndSet(false, true)) {
            try {
                offPath.execute(() -> {
                    try {
                        renderIfStale(version, render);
                    } finally {
                        renderingOffPath.set(false);
                    }
                });
            } catch (RuntimeException e) {
                renderingOffPath.set(false); // nothing runs it: the next request renders instead
                return renderIfStale(version, render);
            }
        }
        return cached.bytes();
    }

    /** Renders unless another thread did while this one waited; returns the current page either way. */
    private Buffer renderIfStale(long version, Supplier<byte[]> render) {
        synchronized (this) {
            Rendered cached = last;
            long now = clock.getAsLong(); // before the render: the page is as old as what it read
            if (cached == null || cached.version() != version && now - cached.renderedAt() >= MAX_STALENESS_NANOS) {
                // The rendered bytes wrapped, not copied into a second buffer.
                cached = new Rendered(version, now, Buffer.buffer(Unpooled.wrappedBuffer(render.get())));
                last = cached;
            }
            return cached.bytes();
        }
    }
}
