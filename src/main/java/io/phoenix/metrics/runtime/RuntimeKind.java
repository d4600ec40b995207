package io.phoenix.metrics.runtime;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The runtimes the agent knows. Docker and Podman speak the Docker Engine API; containerd and CRI-O (and any other
 * CRI runtime, {@code cri}) are read through the CRI. {@code unknown}: a socket that answers neither.
 */
public enum RuntimeKind {
    DOCKER,
    PODMAN,
    CONTAINERD,
    CRI_O,
    CRI,
    UNKNOWN;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** From a label as the API and the metrics spell it ({@code cri-o}); IllegalArgumentException otherwise. */
    public static RuntimeKind parse(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
