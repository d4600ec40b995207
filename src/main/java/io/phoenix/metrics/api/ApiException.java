package io.phoenix.metrics.api;

import jakarta.ws.rs.core.Response;

/** An error the API answers with on purpose; anything else becomes a 500 through the same mapper. */
public class ApiException extends RuntimeException {

    private final Response.Status status;

    public ApiException(Response.Status status, String message) {
        super(message);
        this.status = status;
    }

    public Response.Status status() {
        return status;
    }
}
