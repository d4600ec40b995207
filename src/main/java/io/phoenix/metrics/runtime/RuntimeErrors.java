package io.phoenix.metrics.runtime;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;

/**
 * Turns what goes wrong talking to a runtime into the closed set of {@link RuntimeApiException}s: gone (404, or
 * Podman's 500 during a removal), protocol (garbage, unexpected status), unavailable (socket errors, timeouts),
 * circuit open. The client decides what to count; this only says what it was.
 */
final class RuntimeErrors {

    /** Enough of an error body to say what went wrong without copying a whole garbage page into logs. */
    private static final int MAX_ERROR_BODY = 300;

    private final String socket;
    private final long timeoutMillis;

    RuntimeErrors(String socket, long timeoutMillis) {
        this.socket = socket;
        this.timeoutMillis = timeoutMillis;
    }

    /** What the guard let through (an open circuit, a timeout of its own) becomes a RuntimeApiException too. */
    RuntimeApiException guarded(String uri, Throwable failure) {
        return failure instanceof RuntimeApiException e ? e
                : failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException
                ? new RuntimeApiException.CircuitOpen("GET " + uri + ": circuit open after repeated failures, not asking the engine")
                : failure instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                ? new RuntimeApiException.Unavailable("GET " + uri + ": no answer within " + timeoutMillis + " ms (engine hung?)", failure)
                : new RuntimeApiException.Unavailable("GET " + uri + ": " + failure, failure);
    }

    static Buffer checked(String uri, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        Buffer body = response.body();
        if (status / 100 == 2) {
            return body == null ? Buffer.buffer() : body;
        }
        throw httpError(uri, status, body == null ? null : body.getDelegate());
    }

    /**
     * Podman's compat handlers answer HTTP 500 with this libpod cause when a container is removed while they work
     * on it (seen on 4.3 for inspect and stats during a removal); Docker says 404. Either way the container is
     * gone, which is not a failure of the engine and must not count towards its circuit.
     */
    private static final String PODMAN_NO_SUCH_CONTAINER = "no such container";

    static RuntimeApiException httpError(String uri, int status, io.vertx.core.buffer.Buffer body) {
        JsonObject json = body == null ? null : jsonOrNull(body);
        String message = json != null && json.getValue("message") instanceof String m ? m : body == null ? "" : abbreviated(body);
        boolean gone = status == 404
                || status == 500 && json != null && PODMAN_NO_SUCH_CONTAINER.equals(json.getValue("cause"));
        if (gone) {
            return new RuntimeApiException.NotFound(uri + ": " + message);
        }
        return new RuntimeApiException.Protocol(uri + ": HTTP " + status + (message.isEmpty() ? "" : ": " + message));
    }

    private static JsonObject jsonOrNull(io.vertx.core.buffer.Buffer body) {
        try {
            return body.toJson() instanceof JsonObject object ? object : null;
        } catch (DecodeException e) {
            return null;
        }
    }

    /** Not the engines' {"message": ...} shape: shown as text, abbreviated. */
    private static String abbreviated(io.vertx.core.buffer.Buffer body) {
        String text = body.toString();
        return text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "..." : text.strip();
    }

    static <T> T decode(Buffer body, String path, Class<T> type) {
        InputCaps.requireShallow(body.getDelegate(), path);
        Object value;
        try {
            value = body.toJson();
        } catch (DecodeException e) {
            throw new RuntimeApiException.Protocol(path + ": not JSON: " + e.getMessage(), e);
        }
        if (!type.isInstance(value)) {
            throw new RuntimeApiException.Protocol(path + ": expected a JSON " + type.getSimpleName().replace("Json", "").toLowerCase()
                    + ", got " + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return type.cast(value);
    }

    RuntimeApiException unavailable(String uri, Throwable cause) {
        if (cause instanceof RuntimeApiException engineException) {
            return engineException;
        }
        if (cause != null && cause.getCause() instanceof RuntimeApiException.TooLarge tooLarge) {
            return tooLarge; // a capped body fails the web client's pipe, which wraps the reason
        }
        return new RuntimeApiException.Unavailable("GET " + uri + ": " + describe(cause), cause);
    }

    /** Netty's native transport reports socket errors as bare exception types; say what they mean. */
    private String describe(Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (cause instanceof java.io.FileNotFoundException || cause instanceof java.nio.file.NoSuchFileException
                || message.contains("No such file")) {
            return "socket " + socket + " does not exist (engine not installed or not started)";
        }
        if (cause instanceof java.nio.file.AccessDeniedException || message.contains("Permission denied")) {
            return "permission denied on " + socket + " (run as root or in the engine's group)";
        }
        if (cause instanceof java.net.ConnectException || message.contains("Connection refused")) {
            return "connection refused on " + socket + " (nothing is listening: engine stopped?)";
        }
        if (cause instanceof java.util.concurrent.TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "no answer within " + timeoutMillis + " ms (engine hung?)";
        }
        return message.isEmpty() ? cause.getClass().getSimpleName() : message;
    }
}
