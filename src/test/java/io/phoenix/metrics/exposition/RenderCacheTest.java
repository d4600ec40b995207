package io.phoenix.metrics.exposition;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a request renders, when it is served the last page while the next is rendered off its path, and when the
 * last page is current. The clock and the worker are the test's: a render queued off the path runs only when the
 * test runs it.
 */
class RenderCacheTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final Queue<Runnable> worker = new ArrayDeque<>();
    private final RenderCache cache = new RenderCache(worker::add, clock::get);
    private final AtomicInteger renders = new AtomicInteger();
    /** Each render shows its number, so a test sees which page it got. */
    private final Supplier<byte[]> source = () -> ("page " + renders.incrementAndGet()).getBytes(StandardCharsets.UTF_8);

    private String get(long version) {
        return cache.get(version, source).toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFirstRequestRendersAndAnUnchangedSourceIsNeverRenderedAgain() {
        assertEquals("page 1", get(1));
        clock.addAndGet(60_000 * MS);
        assertEquals("page 1", get(1));
        assertEquals(1, renders.get());
        assertTrue(worker.isEmpty());
    }

    @Test
    void aChangedSourceIsNotRenderedWithinTheFloor() {
        get(1);
        clock.addAndGet(99 * MS);
        assertEquals("page 1", get(2));
        assertEquals(1, renders.get());
        assertTrue(worker.isEmpty());
    }

    @Test
    void aFastClientIsServedTheLastPageAndTheNextIsRenderedOffItsPath() {
        get(1);
        clock.addAndGet(150 * MS);
        assertEquals("page 1", get(2), "served at once, without a render");
        assertEquals(1, renders.get());
        assertEquals("page 1", get(2), "a second request while the next page is queued");
        assertEquals(1, worker.size(), "one render queued for both");

        worker.poll().run();
        assertEquals(2, renders.get());
        assertEquals("page 2", get(2));
        assertEquals(clock.get(), cache.renderedAt());
    }

    @Test
    void aPageTooOldToServeIsRenderedOnTheRequest() {
        get(1);
        clock.addAndGet(200 * MS);
        assertEquals("page 2", get(2));
        assertTrue(worker.isEmpty());
    }

    @Test
    void aRenderQueuedOffThePathThatFindsTheRequestOneDoneDoesNotRenderAgain() {
        get(1);
        clock.addAndGet(150 * MS);
        get(2); // queued
        clock.addAndGet(100 * MS);
        assertEquals("page 2", get(2), "too old by now: rendered on the request");
        worker.poll().run();
        assertEquals(2, renders.get());
    }

    @Test
    void aFailedRenderOffThePathLetsTheNextRequestQueueAnother() {
        get(1);
        clock.addAndGet(150 * MS);
        cache.get(2, () -> {
            throw new IllegalStateException("render failed");
        });
        assertThrows(IllegalStateException.class, () -> worker.poll().run());
        assertEquals("page 1", get(2));
        assertEquals(1, worker.size(), "the flag was released: another render queued");
    }

    @Test
    void aWorkerThatRefusesTheRenderLeavesItToTheRequest() {
        RenderCache refusing = new RenderCache(render -> {
            throw new IllegalStateException("pool closed");
        }, clock::get);
        refusing.get(1, source);
        clock.addAndGet(150 * MS);
        assertEquals("page 2", refusing.get(2, source).toString(StandardCharsets.UTF_8));
    }
}
