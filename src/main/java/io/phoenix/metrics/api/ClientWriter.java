package io.phoenix.metrics.api;

import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes one client's frames to its response: the frames of one tick gathered into one write. The next frame is
 * asked for only while the connection takes writes; a client that stops reading therefore leaves its frames in the
 * feed's bounded buffer, whose overflow disconnects it (counted there), and never in this process' write queue.
 */
final class ClientWriter implements MultiSubscriber<SseEvents.Frame> {

    private final HttpServerResponse response;
    private Buffer pending = Buffer.buffer();
    private volatile Flow.Subscription subscription;
    /** A frame is owed once the connection drains; asked for exactly once, by the drain or by the re-check. */
    private final AtomicBoolean owed = new AtomicBoolean();

    ClientWriter(HttpServerResponse response) {
        this.response = response;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        response.closeHandler(closed -> s.cancel());
        response.exceptionHandler(error -> s.cancel());
        s.request(1);
    }

    /** Serial (the Reactive Streams rule), so pending needs no lock; drain handlers only ask for more. */
    @Override
    public void onItem(SseEvents.Frame frame) {
        if (response.closed()) {
            subscription.cancel(); // gone between two events; its close handler cancels too
            return;
        }
        pending.appendBuffer(frame.bytes());
        if (frame.last() && pending.length() > 0) {
            Buffer out = pending;
            pending = Buffer.buffer(out.length());
            response.write(out);
        }
        if (!response.writeQueueFull()) {
            subscription.request(1);
            return;
        }
        owed.set(true);
        response.drainHandler(drained -> askOwed());
        if (!response.writeQueueFull()) {
            askOwed(); // drained before the handler was set: it will not be called for that
        }
    }

    private void askOwed() {
        if (owed.compareAndSet(true, false)) {
            subscription.request(1);
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        if (!response.closed()) {
            response.close(); // overflowed (already counted by the feed) or failed: the client reconnects
        }
    }

    @Override
    public void onCompletion() {
        if (!response.closed()) {
            response.end(pending);
        }
    }
}
