package io.phoenix.metrics.collector;

import java.time.Duration;
import java.time.Instant;

/** Running health of one collector; thread-safe, cheap to update every tick. */
final class CollectorHealth {

    private final String name;
    private final int unhealthyAfter;
    private String lastError;
    private Instant lastErrorAt;
    private long errorCount;
    private int consecutiveFailures;
    private Instant lastSuccess;
    private Duration lastDuration;
    private long runs;

    CollectorHealth(String name, int unhealthyAfter) {
        this.name = name;
        this.unhealthyAfter = unhealthyAfter;
    }

    synchronized void success(Duration took) {
        runs++;
        consecutiveFailures = 0;
        lastSuccess = Instant.now();
        lastDuration = took;
    }

    synchronized void failure(String message, Duration took) {
        runs++;
        errorCount++;
        consecutiveFailures++;
        lastError = message;
        lastErrorAt = Instant.now();
        lastDuration = took;
    }

    synchronized CollectorStatus status() {
        return new CollectorStatus(name, consecutiveFailures < unhealthyAfter, lastError, lastErrorAt, errorCount,
                consecutiveFailures, lastSuccess, lastDuration, runs);
    }
}
