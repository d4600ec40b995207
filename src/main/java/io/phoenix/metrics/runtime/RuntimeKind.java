package io.phoenix.metrics.runtime;

import com.fasterxml.jackson.annotation.JsonValue;

/** The engines the agent knows. Both speak the Docker Engine API; differences between them are kept here. */
public enum RuntimeKind {
    DOCKER,
    PODMAN;

    @JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
