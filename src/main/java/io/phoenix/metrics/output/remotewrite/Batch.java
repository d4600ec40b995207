package io.phoenix.metrics.output.remotewrite;

/**
 * One request body, ready to send: a snappy-compressed {@code WriteRequest}.
 *
 * @param oldestTimestamp the oldest sample's time, ms since the epoch
 * @param queuedAtNanos   when it was queued (System.nanoTime), for buffer-duration
 */
public record Batch(byte[] body, int samples, long oldestTimestamp, long queuedAtNanos) {

    /** What a queued batch costs in memory: its body plus the record and array headers. */
    public long bytes() {
        return body.length + 64L;
    }
}
