package io.phoenix.metrics.stats.cgroup;

import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cgroup sampler's one thread ("phoenix-cgroup"): runs the pass at a fixed rate and every task that touches
 * reader state, so that state needs no lock. Started on first use, never on the event loop.
 */
final class SamplerThread {

    private static final Logger LOG = Logger.getLogger(SamplerThread.class);

    private ScheduledExecutorService executor;

    synchronized boolean start(long periodMillis, Runnable pass) {
        if (executor != null) {
            return false;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "phoenix-cgroup");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(pass, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Queues a task; a failure is logged, never thrown (it would end nothing but hide the cause). */
    void execute(Runnable task) {
        ScheduledExecutorService running = current();
        if (running != null && !running.isShutdown()) {
            running.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "cgroup sampler task failed");
                }
            });
        }
    }

    /** Runs {@code call} on the thread and waits for it (at most 10 s); empty when not running or on failure. */
    <T> Optional<T> call(Callable<T> call) {
        ScheduledExecutorService running = current();
        if (running == null || running.isShutdown()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(running.submit(call).get(10, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Runs {@code last} on the thread, then stops it (waiting up to 2 s). */
    void stop(Runnable last) {
        ScheduledExecutorService running = current();
        if (running == null) {
            return;
        }
        running.execute(last);
        running.shutdown();
        try {
            running.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized ScheduledExecutorService current() {
        return executor;
    }
}
