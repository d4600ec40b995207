package io.phoenix.metrics.collector;

import java.time.Duration;
import java.time.Instant;

/**
 * Health of a collector as the API shows it.
 *
 * @param healthy             false after {@code unhealthyAfter} consecutive failures, true again after a success
 * @param consecutiveFailures failures since the last success
 */
public record CollectorStatus(String name, boolean healthy, String lastError, Instant lastErrorAt, long errorCount,
                              int consecutiveFailures, Instant lastSuccess, Duration lastDuration, long runs) {
}
