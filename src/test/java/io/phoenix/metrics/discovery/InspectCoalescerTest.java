package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.InputCaps;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCoalescerTest {

    private final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    private final AtomicInteger started = new AtomicInteger();

    private Uni<Void> work() {
        started.incrementAndGet();
        CompletableFuture<Void> answer = new CompletableFuture<>();
        inFlight.add(answer);
        return Uni.createFrom().completionStage(answer);
    }

    @Test
    void tenThousandRequestsForOneContainerCostTwoInspects() {
        InspectCoalescer coalescer = new InspectCoalescer();
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            callers.add(coalescer.submit("c1", this::work).subscribeAsCompletionStage());
        }
        assertEquals(1, started.get(), "one in flight, the rest folded into one queued");
        inFlight.get(0).complete(null);
        assertTrue(callers.get(0).isDone(), "the first caller is answered by the first inspect");
        assertFalse(callers.get(1).isDone(), "later callers wait for an inspect that started after them");
        assertEquals(2, started.get());
        inFlight.get(1).complete(null);
        assertTrue(callers.stream().allMatch(CompletableFuture::isDone));
        assertEquals(2, started.get());
        assertEquals(0, coalescer.pending(), "nothing left behind");
    }

    @Test
    void aFailedInspectStillReleasesTheQueuedOne() {
        InspectCoalescer coalescer = new InspectCoalescer();
        coalescer.submit("c1", this::work).subscribeAsCompletionStage();
        CompletableFuture<Void> second = coalescer.submit("c1", this::work).subscribeAsCompletionStage();
        inFlight.get(0).completeExceptionally(new IllegalStateException("boom"));
        assertEquals(2, started.get());
        inFlight.get(1).complete(null);
        assertTrue(second.isDone() && !second.isCompletedExceptionally());
    }

    @Test
    void containersWaitingAreCappedAndAHugeIdIsRefused() {
        InspectCoalescer coalescer = new InspectCoalescer();
        for (int i = 0; i < InputCaps.MAX_PENDING_INSPECTS; i++) {
            coalescer.submit("c" + i, this::work).subscribeAsCompletionStage();
        }
        CompletableFuture<Void> refused = coalescer.submit("one-too-many", this::work).subscribeAsCompletionStage();
        assertTrue(refused.isCompletedExceptionally());
        assertEquals(InputCaps.MAX_PENDING_INSPECTS, started.get());
        inFlight.get(0).complete(null);
        assertFalse(coalescer.submit("now-there-is-room", this::work).subscribeAsCompletionStage().isCompletedExceptionally());
        Uni<Void> tooLong = coalescer.submit("x".repeat(InputCaps.MAX_ID_CHARS + 1), this::work);
        assertThrows(RuntimeApiException.TooLarge.class, () -> tooLong.await().indefinitely());
    }
}
