package io.phoenix.metrics.discovery;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Container states as the Docker API names them; Podman's own names are mapped onto these. */
public enum ContainerState {
    CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD, UNKNOWN;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ContainerState parse(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "created", "configured", "initialized" -> CREATED; // Podman's pre-start states
            case "running", "stopping" -> RUNNING;
            case "paused" -> PAUSED;
            case "restarting" -> RESTARTING;
            case "removing" -> REMOVING;
            case "exited", "stopped" -> EXITED;
            case "dead" -> DEAD;
            default -> UNKNOWN;
        };
    }

    /** For query parameters: unlike {@link #parse}, unknown words are an error, not UNKNOWN. */
    public static ContainerState fromLabel(String label) {
        for (ContainerState state : values()) {
            if (state.label().equalsIgnoreCase(label)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown state '" + label + "'");
    }
}
