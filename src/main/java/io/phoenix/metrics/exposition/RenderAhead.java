package io.phoenix.metrics.exposition;

import io.vertx.core.Vertx;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Renders a format's page on a worker just before its steady scraper asks again ({@link ScrapeCadence}), so that the
 * scrape finds a page younger than the floor instead of rendering one itself. Only what changed is rendered: a page
 * whose source is unchanged is kept ({@link RenderCache}). The CPU is the same (one render per scrape interval), and so
 * is freshness: the page served is at most the lead older than the scrape.
 */
final class RenderAhead {

    /** Less than the 100 ms floor, so the page made ahead is still the current one when the scrape comes. */
    static final long LEAD_NANOS = 50_000_000L;

    private final Vertx vertx;
    private final Executor workers;
    private final Consumer<Boolean> render;
    private final ScrapeCadence text = new ScrapeCadence();
    private final ScrapeCadence openMetrics = new ScrapeCadence();
    private final AtomicLong textTimer = new AtomicLong(-1);
    private final AtomicLong openMetricsTimer = new AtomicLong(-1);

    /**
     * @param workers where the render runs, off the event loop
     * @param render  renders both pages of a format (true: OpenMetrics)
     */
    RenderAhead(Vertx vertx, Executor workers, Consumer<Boolean> render) {
        this.vertx = vertx;
        this.workers = workers;
        this.render = render;
    }

    /** A scrape of one format that arrived at {@code arrived} (nanoTime) was served: plans the page for the next one. */
    void scraped(boolean asOpenMetrics, long arrived) {
        long now = System.nanoTime();
        long due = (asOpenMetrics ? openMetrics : text).scraped(arrived);
        AtomicLong timer = asOpenMetrics ? openMetricsTimer : textTimer;
        long planned = timer.getAndSet(-1);
        if (planned >= 0) {
            vertx.cancelTimer(planned);
        }
        long delayMillis = due < 0 ? 0 : (due - LEAD_NANOS - now) / 1_000_000;
        if (delayMillis >= 1) {
            timer.set(vertx.setTimer(delayMillis, id -> workers.execute(() -> render.accept(asOpenMetrics))));
        }
    }
}
