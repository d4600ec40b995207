package io.phoenix.metrics.discovery;

/**
 * An engine's {@code oom} event about a known container (Docker sends one per OOM kill in the container's cgroup).
 *
 * @param timeNano the event's engine time: the event stream replays a little history on reconnect, so a consumer
 *                 that counts tells repeats by it
 */
public record OomReported(ContainerInfo container, long timeNano) {
}
