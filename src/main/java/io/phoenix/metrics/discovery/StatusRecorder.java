package io.phoenix.metrics.discovery;

import io.phoenix.metrics.runtime.RuntimeApiException;
import io.phoenix.metrics.runtime.RuntimeEndpoint;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.function.UnaryOperator;

/** One endpoint's {@link EndpointStatus}, changed under a lock, state changes logged once each. */
final class StatusRecorder {

    private static final Logger LOG = Logger.getLogger(StatusRecorder.class);

    private final String endpointUri;
    private volatile EndpointStatus status;
    /** After an input over a cap the endpoint stays failing this long, even if the next list is fine. */
    private static final long CAPPED_HOLD_NANOS = java.time.Duration.ofMinutes(1).toNanos();
    private final LogLimiter warnings;
    private volatile long cappedAt;

    StatusRecorder(RuntimeEndpoint endpoint) {
        this.endpointUri = endpoint.uri();
        this.status = EndpointStatus.connecting(endpoint);
        this.warnings = new LogLimiter(LOG, endpointUri);
    }

    EndpointStatus current() {
        return status;
    }

    void up() {
        if (isCapped()) {
            return; // what was over a cap keeps it failing for a while: the next list is often fine
        }
        if (status.state() != EndpointState.UP) {
            LOG.infof("%s: up, following events", endpointUri);
        }
        update(s -> s.withState(EndpointState.UP, Instant.now()));
    }

    /** Garbage from a reachable runtime is "failing"; everything else means we could not talk to it. */
    void error(Throwable error) {
        if (error instanceof RuntimeApiException.CircuitOpen) {
            return; // not news: the error that opened the circuit stays the last error
        }
        EndpointState next = error instanceof RuntimeApiException.Protocol ? EndpointState.FAILING : EndpointState.UNAVAILABLE;
        if (status.state() != next) {
            warnings.warn(next.label(), next.label() + ": " + message(error));
        }
        Instant now = Instant.now();
        update(s -> s.withState(next, now).withError(message(error), now));
    }

    /** An input over a cap, found anywhere (lists, inspects, streams): failing for a while. */
    void tooLarge(RuntimeApiException.TooLarge error) {
        cappedAt = System.nanoTime();
        error(error);
    }

    boolean isCapped() {
        long at = cappedAt;
        return at != 0 && System.nanoTime() - at < CAPPED_HOLD_NANOS;
    }

    /** A warning, rate-limited per kind; {@link #flush} summarises what was suppressed. */
    void warn(String kind, String message) {
        warnings.warn(kind, message);
    }

    void flush() {
        warnings.flush();
    }

    /** An error that leaves the state as it is (one failed inspect). */
    void recordError(Throwable error) {
        update(s -> s.withError(message(error), Instant.now()));
    }

    synchronized void update(UnaryOperator<EndpointStatus> change) {
        status = change.apply(status);
    }

    static String message(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }
}
