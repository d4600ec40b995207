package io.phoenix.metrics.discovery;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Warnings of one endpoint, rate-limited per kind: the first {@code burst} of a kind per window are logged, the
 * rest counted and summarised ("N more like this suppressed") when the window is over, by the next warning of
 * that kind or by {@link #flush}. A misbehaving engine thus costs a few lines a minute, not one per event.
 */
final class LogLimiter {

    private static final class Window {
        long start;
        int logged;
        long suppressed;
        String last;
    }

    private final Consumer<String> log;
    private final String endpoint;
    private final int burst;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new HashMap<>();
    private long suppressedTotal;

    LogLimiter(Consumer<String> log, String endpoint, int burst, Duration window, LongSupplier clock) {
        this.log = log;
        this.endpoint = endpoint;
        this.burst = burst;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    LogLimiter(Logger log, String endpoint) {
        this(log::warn, endpoint, 5, Duration.ofMinutes(1), System::nanoTime);
    }

    /** Logs "endpoint: message" at WARN unless this kind already used its burst in the current window. */
    synchronized void warn(String kind, String message) {
        long now = clock.getAsLong();
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        if (w.logged + w.suppressed > 0 && now - w.start >= windowNanos) {
            summarise(kind, w);
        }
        if (w.logged == 0 && w.suppressed == 0) {
            w.start = now;
        }
        if (w.logged < burst) {
            w.logged++;
            log.accept(endpoint + ": " + message);
        } else {
            w.suppressed++;
            w.last = message;
            suppressedTotal++;
        }
    }

    /** Summarises and closes every window that is over; called periodically. */
    synchronized void flush() {
        long now = clock.getAsLong();
        windows.entrySet().removeIf(e -> {
            if (now - e.getValue().start < windowNanos) {
                return false;
            }
            summarise(e.getKey(), e.getValue());
            return true;
        });
    }

    /** Warnings not logged since start. */
    synchronized long suppressed() {
        return suppressedTotal;
    }

    private void summarise(String kind, Window w) {
        if (w.suppressed > 0) {
            log.accept(endpoint + ": " + w.suppressed + " more " + kind + " warning(s) like this suppressed in the last "
                    + Duration.ofNanos(windowNanos).toSeconds() + " s; the last: " + w.last);
        }
        w.logged = 0;
        w.suppressed = 0;
        w.last = null;
    }
}
