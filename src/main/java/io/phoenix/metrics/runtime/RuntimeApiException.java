package io.phoenix.metrics.runtime;

/**
 * What can go wrong talking to an engine. The set is closed on purpose: callers decide per kind whether the
 * endpoint is down (reconnect with backoff), answering garbage (mark it failing) or a container is gone.
 */
public abstract sealed class RuntimeApiException extends RuntimeException {

    private RuntimeApiException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The socket is missing, refuses connections, denies permission, or dropped the connection. */
    public static final class Unavailable extends RuntimeApiException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The engine answered, but not with what the API promises (HTTP error, non-JSON, wrong shape). */
    public static sealed class Protocol extends RuntimeApiException permits TooLarge {
        public Protocol(String message) {
            super(message, null);
        }

        public Protocol(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The engine sent more than a cap of {@link InputCaps} allows: the input is dropped (or cut), the rest goes on. */
    public static final class TooLarge extends Protocol {
        public TooLarge(String message) {
            super(message);
        }
    }

    /** The endpoint's circuit breaker is open: the request was not sent. */
    public static final class CircuitOpen extends RuntimeApiException {
        public CircuitOpen(String message) {
            super(message, null);
        }
    }

    /** HTTP 404 for an object that is gone, typically a container removed between two requests. */
    public static final class NotFound extends RuntimeApiException {
        public NotFound(String message) {
            super(message, null);
        }
    }
}
