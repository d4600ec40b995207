package io.phoenix.metrics.collector;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collection thread's timing: a pass that fails or overruns neither ends the schedule nor sets off a burst. */
class CollectionThreadTest {

    private final CollectionThread thread = new CollectionThread();

    @AfterEach
    void stop() {
        thread.stop();
    }

    @Test
    void aFailingPassDoesNotEndTheSchedule() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch fifth = new CountDownLatch(5);
        thread.every(Duration.ofMillis(20), () -> {
            fifth.countDown();
            if (runs.incrementAndGet() == 2) {
                throw new IllegalStateException("a collector's bug");
            }
        });
        assertTrue(fifth.await(5, TimeUnit.SECONDS), "passes stopped after a failure: " + runs.get() + " ran");
    }

    @Test
    void beatsMissedByAnOverrunAreSkippedNotCaughtUp() throws InterruptedException {
        List<Long> starts = new CopyOnWriteArrayList<>();
        CountDownLatch four = new CountDownLatch(4);
        thread.every(Duration.ofMillis(200), () -> {
            starts.add(System.nanoTime());
            four.countDown();
            if (starts.size() == 1) {
                sleep(700); // overruns three beats
            }
        });
        assertTrue(four.await(10, TimeUnit.SECONDS));
        for (int i = 2; i < 4; i++) {
            long gapMillis = (starts.get(i) - starts.get(i - 1)) / 1_000_000;
            assertTrue(gapMillis >= 100, "passes " + (i - 1) + " and " + i + " ran " + gapMillis + " ms apart: a catch-up burst");
        }
        long afterOverrun = (starts.get(1) - starts.get(0)) / 1_000_000;
        assertTrue(afterOverrun >= 700 && afterOverrun < 1_000, "the pass after the overrun came " + afterOverrun + " ms after it");
    }

    @Test
    void anInterruptAimedAtATimedOutPassDoesNotReachTheNext() throws InterruptedException {
        List<Boolean> interruptedAtStart = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        thread.every(Duration.ofMillis(50), () -> {
            interruptedAtStart.add(Thread.currentThread().isInterrupted());
            Thread.currentThread().interrupt(); // as a timeout's interrupt that came after the pass ignored it
            two.countDown();
        });
        assertTrue(two.await(5, TimeUnit.SECONDS));
        assertTrue(interruptedAtStart.stream().noneMatch(b -> b), "a pass started interrupted: " + interruptedAtStart);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
