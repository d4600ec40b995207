package io.phoenix.metrics.api;

/** Body of every error answer: the HTTP status again, and a message a person can act on. */
public record ApiError(int status, String error, String message) {

    static ApiError of(ApiException e) {
        return new ApiError(e.status().getStatusCode(), e.status().getReasonPhrase(), e.getMessage());
    }
}
