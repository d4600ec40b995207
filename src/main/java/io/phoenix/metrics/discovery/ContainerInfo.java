package io.phoenix.metrics.discovery;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.phoenix.metrics.runtime.RuntimeKind;

import java.time.Instant;
import java.util.Map;

/**
 * What the agent knows of one container, from the engine's inspect. Immutable: a change replaces the record.
 *
 * @param name       without Docker's leading slash
 * @param image      the image reference the container was created from, as the user wrote it
 * @param startedAt  null when never started
 * @param finishedAt null when it has not exited since it was created
 * @param exitCode   the last exit code; null while it has never exited
 * @param pid        host PID of the container's init process while it runs (finds its cgroup); null otherwise
 * @param endpoint   the socket URI of the engine that runs it
 * @param exitReason why it last exited as the runtime says it (CRI: Completed, Error, OOMKilled); null if unknown
 * @param oomKilled  the engine's word that the last exit was an OOM kill ({@code State.OOMKilled}); null if unknown
 * @param memoryLimit the configured memory limit in bytes ({@code HostConfig.Memory}), 0 for none; null if unknown
 */
public record ContainerInfo(
        String id,
        String name,
        String image,
        Map<String, String> labels,
        ContainerState state,
        Instant created,
        Instant startedAt,
        Instant finishedAt,
        int restartCount,
        Integer exitCode,
        HealthStatus health,
        Integer pid,
        RuntimeKind runtime,
        String endpoint,
        String exitReason,
        Boolean oomKilled,
        Long memoryLimit) {

    public ContainerInfo {
        labels = Map.copyOf(labels);
    }

    /** Without an exit reason, OOM state or configured limit (the engines' inspect parser passes them all). */
    public ContainerInfo(String id, String name, String image, Map<String, String> labels, ContainerState state,
                         Instant created, Instant startedAt, Instant finishedAt, int restartCount, Integer exitCode,
                         HealthStatus health, Integer pid, RuntimeKind runtime, String endpoint) {
        this(id, name, image, labels, state, created, startedAt, finishedAt, restartCount, exitCode, health, pid, runtime,
                endpoint, null, null, null);
    }

    /** With an exit reason only (CRI). */
    public ContainerInfo(String id, String name, String image, Map<String, String> labels, ContainerState state,
                         Instant created, Instant startedAt, Instant finishedAt, int restartCount, Integer exitCode,
                         HealthStatus health, Integer pid, RuntimeKind runtime, String endpoint, String exitReason) {
        this(id, name, image, labels, state, created, startedAt, finishedAt, restartCount, exitCode, health, pid, runtime,
                endpoint, exitReason, null, null);
    }

    /** The 12-character id Docker's CLI shows and the metrics label carries. */
    @JsonProperty("shortId")
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
