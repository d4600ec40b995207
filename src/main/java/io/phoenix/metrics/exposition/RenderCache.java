package io.phoenix.metrics.exposition;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.util.function.Supplier;

/**
 * One rendering of a scrape body, made again only when its source changed and the last one is at least
 * {@link #MAX_STALENESS_NANOS} old. The source changes with every sample (a hundred times a second with a hundred
 * containers), so without that floor every scrape would render thousands of lines; with it, what a scrape serves is
 * at most 100 ms older than the source.
 *
 * <p>The bytes are kept as a Vert.x buffer that every scrape writes as it is: each write takes its own slice, so
 * nothing is copied per scrape. (At 100 containers a body is about 500 KiB; copying it per scrape was most of the
 * agent's garbage under a fast scraper, and the young collections it caused were the scrape latency's tail.)
 */
final class RenderCache {

    static final long MAX_STALENESS_NANOS = 100_000_000L;

    private record Rendered(long version, long renderedAt, Buffer bytes) {
    }

    private volatile Rendered last;

    /** When the page served now was rendered (System.nanoTime), or Long.MIN_VALUE before the first. */
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
        long now = System.nanoTime();
        if (cached != null && (cached.version() == version || now - cached.renderedAt() < MAX_STALENESS_NANOS)) {
            return cached.bytes();
        }
        synchronized (this) {
            cached = last;
            if (cached == null || cached.version() != version && now - cached.renderedAt() >= MAX_STALENESS_NANOS) {
                // The rendered bytes wrapped, not copied into a second buffer.
                cached = new Rendered(version, System.nanoTime(), Buffer.buffer(Unpooled.wrappedBuffer(render.get())));
                last = cached;
            }
            return cached.bytes();
        }
    }
}
