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

    StatusRecorder(RuntimeEndpoint endpoint) {
        this.endpointUri = endpoint.uri();
        this.status = EndpointStatus.connecting(endpoint);
    }

    EndpointStatus current() {
        return status;
    }

    void up() {
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
            LOG.warnf("%s: %s: %s", endpointUri, next.label(), message(error));
        }
        Instant now = Instant.now();
        update(s -> s.withState(next, now).withError(message(error), now));
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
