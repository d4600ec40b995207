package io.phoenix.metrics.discovery;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum EndpointState {
    /** Not yet heard from. */
    CONNECTING,
    /** Identified, listed and following events. */
    UP,
    /** Socket missing, refusing, permission denied, or the connection dropped. */
    UNAVAILABLE,
    /** Reachable, but answering errors or garbage. */
    FAILING;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
