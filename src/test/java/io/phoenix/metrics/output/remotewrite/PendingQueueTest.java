package io.phoenix.metrics.output.remotewrite;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The buffer: order, byte cap (oldest dropped, never the batch on the wire), age limit, and its accounting. */
class PendingQueueTest {

    /** 936 body bytes + 64 = 1000 bytes each. */
    private static Batch batch(int samples, long timestamp, long queuedAt) {
        return new Batch(new byte[936], samples, timestamp, queuedAt);
    }

    @Test
    void sendsOldestFirstOneAtATime() {
        PendingQueue queue = new PendingQueue(10_000, Long.MAX_VALUE);
        Batch first = batch(1, 10, 0);
        Batch second = batch(2, 20, 0);
        queue.offer(first);
        queue.offer(second);
        assertEquals(3, queue.samples());
        assertEquals(10, queue.oldestTimestamp());
        assertSame(first, queue.startSend());
        assertNull(queue.startSend(), "one request at a time");
        queue.endSend(first, false); // failed: stays at the head
        assertSame(first, queue.startSend());
        queue.endSend(first, true);
        assertEquals(20, queue.oldestTimestamp());
        assertSame(second, queue.startSend());
        queue.endSend(second, true);
        assertEquals(0, queue.size());
        assertEquals(0, queue.bytes());
        assertEquals(-1, queue.oldestTimestamp());
    }

    @Test
    void overflowDropsTheOldestButNotTheBatchOnTheWire() {
        PendingQueue queue = new PendingQueue(3_000, Long.MAX_VALUE);
        Batch a = batch(1, 1, 0);
        Batch b = batch(1, 2, 0);
        Batch c = batch(1, 3, 0);
        queue.offer(a);
        queue.offer(b);
        queue.offer(c);
        assertEquals(3_000, queue.bytes());
        assertSame(a, queue.startSend());
        Batch d = batch(1, 4, 0);
        assertEquals(List.of(b), queue.offer(d), "b is the oldest not on the wire");
        assertEquals(List.of(c), queue.offer(batch(1, 5, 0)));
        assertTrue(queue.bytes() <= 3_000);
        queue.endSend(a, true);
        assertEquals(2, queue.size());
        assertEquals(4, queue.oldestTimestamp());
        Batch huge = new Batch(new byte[5_000], 9, 6, 0);
        assertEquals(List.of(huge), queue.offer(huge), "larger than the whole buffer: dropped itself");
        assertEquals(2, queue.size());
    }

    @Test
    void neverAboveTheCapUnderAFlood() {
        PendingQueue queue = new PendingQueue(50_000, Long.MAX_VALUE);
        long dropped = 0;
        queue.offer(batch(1, 0, 0));
        queue.startSend(); // hung: never ends
        for (int i = 1; i <= 10_000; i++) {
            dropped += queue.offer(batch(1, i, 0)).size();
            assertTrue(queue.bytes() <= 50_000);
        }
        assertEquals(50, queue.size());
        assertEquals(10_001 - 50, dropped);
        assertEquals(0, queue.oldestTimestamp(), "the batch on the wire is kept");
    }

    @Test
    void batchesOlderThanTheBufferDurationExpire() {
        PendingQueue queue = new PendingQueue(100_000, 1_000);
        Batch old = batch(3, 1, 0);
        Batch young = batch(4, 2, 900);
        queue.offer(old);
        queue.offer(young);
        assertEquals(List.of(), queue.expire(1_000));
        assertEquals(List.of(old), queue.expire(1_001));
        assertEquals(4, queue.samples());
        assertSame(young, queue.startSend());
        assertEquals(List.of(), queue.expire(10_000), "not the batch on the wire");
    }
}
