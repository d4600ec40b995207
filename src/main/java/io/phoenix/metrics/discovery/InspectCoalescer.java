package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.InputCaps;
import io.smallrye.mutiny.Uni;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * At most one inspect in flight and one queued per container. A request while one is in flight becomes the queued
 * one; further requests fold into it (an inspect answers with the container's state at that moment, so one asked
 * after the last event is all that is needed). An engine repeating a container's events thus costs two inspects,
 * not one per event. At most {@link InputCaps#MAX_PENDING_INSPECTS} containers wait per endpoint.
 */
final class InspectCoalescer {

    private static final class Slot {
        CompletableFuture<Void> running;
        CompletableFuture<Void> queued;
        Supplier<Uni<Void>> queuedWork;
    }

    private final Map<String, Slot> slots = new HashMap<>();

    /**
     * Runs {@code work} for {@code id} now, or after the one in flight. Completes when an inspect that started
     * after this call has finished; fails with {@link RuntimeApiException.TooLarge} when the id or the number of
     * waiting containers is over its cap. {@code work} must not fail.
     */
    Uni<Void> submit(String id, Supplier<Uni<Void>> work) {
        CompletableFuture<Void> done;
        synchronized (this) {
            Slot slot = slots.get(id);
            if (slot == null) {
                if (id.length() > InputCaps.MAX_ID_CHARS) {
                    return Uni.createFrom().failure(new RuntimeApiException.TooLarge("container id longer than " + InputCaps.MAX_ID_CHARS));
                }
                if (slots.size() >= InputCaps.MAX_PENDING_INSPECTS) {
                    return Uni.createFrom().failure(new RuntimeApiException.TooLarge(
                            "more than " + InputCaps.MAX_PENDING_INSPECTS + " containers waiting for an inspect"));
                }
                slot = new Slot();
                slot.running = new CompletableFuture<>();
                slots.put(id, slot);
                done = slot.running;
            } else {
                if (slot.queued == null) {
                    slot.queued = new CompletableFuture<>();
                }
                slot.queuedWork = work; // the newest request's work stands for all folded into it
                return Uni.createFrom().completionStage(slot.queued);
            }
        }
        run(id, work, done);
        return Uni.createFrom().completionStage(done);
    }

    /** Containers with an inspect in flight or queued. */
    synchronized int pending() {
        return slots.size();
    }

    private void run(String id, Supplier<Uni<Void>> work, CompletableFuture<Void> done) {
        Uni<Void> inspect;
        try {
            inspect = work.get();
        } catch (RuntimeException e) {
            inspect = Uni.createFrom().failure(e);
        }
        inspect.subscribe().with(ignored -> finished(id, done), error -> finished(id, done));
    }

    private void finished(String id, CompletableFuture<Void> done) {
        Supplier<Uni<Void>> next = null;
        CompletableFuture<Void> nextDone = null;
        synchronized (this) {
            Slot slot = slots.get(id);
            if (slot != null && slot.running == done) {
                if (slot.queued == null) {
                    slots.remove(id);
                } else {
                    next = slot.queuedWork;
                    nextDone = slot.queued;
                    slot.running = slot.queued;
                    slot.queued = null;
                    slot.queuedWork = null;
                }
            }
        }
        done.complete(null); // outside the lock: completion runs callers' continuations
        if (next != null) {
            run(id, next, nextDone);
        }
    }
}
