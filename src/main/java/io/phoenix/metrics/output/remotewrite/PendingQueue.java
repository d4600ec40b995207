package io.phoenix.metrics.output.remotewrite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Unsent batches, oldest first, bounded by bytes and by age. When a new batch does not fit, the oldest are dropped
 * to make room (the newest data is the most useful once the receiver is back); the batch being sent is never
 * dropped under the sender's feet. Every drop is returned to the caller, which counts it. Thread-safe.
 */
final class PendingQueue {

    private final long maxBytes;
    private final long maxAgeNanos;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private long bytes;
    private long samples;
    /** The batch on the wire, if any: the head, kept until the send ends. */
    private Batch sending;

    PendingQueue(long maxBytes, long maxAgeNanos) {
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Adds at the tail; returns the batches dropped to make room (the new one itself when it alone is too big). */
    synchronized List<Batch> offer(Batch batch) {
        List<Batch> dropped = new ArrayList<>();
        if (batch.bytes() > maxBytes) {
            dropped.add(batch);
            return dropped;
        }
        Iterator<Batch> oldestFirst = batches.iterator();
        while (bytes + batch.bytes() > maxBytes && oldestFirst.hasNext()) {
            Batch old = oldestFirst.next();
            if (old != sending) {
                oldestFirst.remove();
                account(old, -1);
                dropped.add(old);
            }
        }
        if (bytes + batch.bytes() > maxBytes) {
            dropped.add(batch); // only the batch on the wire is left and both do not fit
            return dropped;
        }
        batches.addLast(batch);
        account(batch, 1);
        return dropped;
    }

    /** Drops the batches queued longer than buffer-duration ago (not the one on the wire); returns them. */
    synchronized List<Batch> expire(long nowNanos) {
        List<Batch> expired = new ArrayList<>();
        for (Iterator<Batch> it = batches.iterator(); it.hasNext(); ) {
            Batch b = it.next();
            if (nowNanos - b.queuedAtNanos() > maxAgeNanos && b != sending) {
                it.remove();
                account(b, -1);
                expired.add(b);
            }
        }
        return expired;
    }

    /** The oldest batch, now marked as on the wire; null when nothing is pending or a send is under way. */
    synchronized Batch startSend() {
        if (sending != null || batches.isEmpty()) {
            return null;
        }
        sending = batches.peekFirst();
        return sending;
    }

    /** Ends the send of {@code batch}: removed when {@code done} (delivered or rejected), kept at the head otherwise. */
    synchronized void endSend(Batch batch, boolean done) {
        if (sending == batch) {
            sending = null;
        }
        if (done && batches.removeFirstOccurrence(batch)) {
            account(batch, -1);
        }
    }

    private void account(Batch b, int sign) {
        bytes += sign * b.bytes();
        samples += sign * (long) b.samples();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long samples() {
        return samples;
    }

    synchronized int size() {
        return batches.size();
    }

    /** The oldest pending sample's timestamp (ms since the epoch), or -1 when nothing is pending. */
    synchronized long oldestTimestamp() {
        long oldest = Long.MAX_VALUE;
        for (Batch b : batches) {
            oldest = Math.min(oldest, b.oldestTimestamp());
        }
        return oldest == Long.MAX_VALUE ? -1 : oldest;
    }

    long maxBytes() {
        return maxBytes;
    }
}
