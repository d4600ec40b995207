package io.phoenix.metrics.discovery;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Result of the container's own health check; NONE when it has none. */
public enum HealthStatus {
    NONE, STARTING, HEALTHY, UNHEALTHY;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HealthStatus parse(String value) {
        if (value == null) {
            return NONE;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "starting" -> STARTING;
            case "healthy" -> HEALTHY;
            case "unhealthy" -> UNHEALTHY;
            default -> NONE; // Podman reports "" for containers without a check
        };
    }
}
