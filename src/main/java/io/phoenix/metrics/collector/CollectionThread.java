package io.phoenix.metrics.collector;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The collection path's one thread ("phoenix-collect"): the interval passes and the recomputes after new samples run
 * here, one at a time. A pass wakes this thread only, where a timer on an event loop handing the pass to a worker
 * woke three (an idle node agent's cost is mostly wake-ups). One at a time is what the path needs anyway: a pass
 * that hangs past its collector's timeout already held back the next one of its interval.
 */
final class CollectionThread {

    private static final Logger LOG = Logger.getLogger(CollectionThread.class);

    private final ScheduledThreadPoolExecutor executor;

    CollectionThread() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "phoenix-collect");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs {@code pass} now and then every {@code period}. A pass that overruns makes the next start late; beats
     * missed meanwhile are skipped, not caught up in a burst.
     */
    void every(Duration period, Runnable pass) {
        long periodNanos = period.toNanos();
        submit(new Runnable() {
            private long due = System.nanoTime();

            @Override
            public void run() {
                safely(pass);
                long now = System.nanoTime();
                do {
                    due += periodNanos;
                } while (due - now <= 0);
                submit(this, due - now);
            }
        }, 0);
    }

    /** Runs {@code task} once, {@code delayMillis} from now. */
    void after(long delayMillis, Runnable task) {
        submit(() -> safely(task), TimeUnit.MILLISECONDS.toNanos(delayMillis));
    }

    void stop() {
        executor.shutdownNow();
    }

    private void submit(Runnable task, long delayNanos) {
        try {
            executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // stopped: the application is shutting down
        }
    }

    /** A failure is logged, never thrown: thrown, it would end the periodic pass for good. */
    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "collection task failed");
        } finally {
            Thread.interrupted(); // an interrupt aimed at a pass that timed out must not reach the next task
        }
    }
}
