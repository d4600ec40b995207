package io.phoenix.metrics.output.remotewrite;

import java.time.Instant;
import java.util.Map;

/**
 * What {@code /api/outputs} says about the remote-write receiver.
 *
 * @param state          idle (nothing sent yet), up (last request delivered), retrying (last request failed and
 *                       will be sent again), rejecting (the receiver refused the last request: it was dropped)
 * @param lastError      the last failure (status and body, or the network error); null until one happens
 * @param oldestPendingSampleAgeSeconds 0 when nothing is pending
 */
public record OutputStatus(String kind, String url, String state, Instant since, Instant lastSuccessAt,
                           String lastError, Instant lastErrorAt, long samplesSent, long samplesFailed,
                           long samplesRetried, Map<String, Long> samplesDropped, long samplesPending,
                           long bytesPending, long bufferBytes, double oldestPendingSampleAgeSeconds,
                           String pushInterval, Map<String, String> externalLabels) {
}
