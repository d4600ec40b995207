package io.phoenix.metrics.collector;

import io.phoenix.metrics.discovery.ContainerState;
import io.phoenix.metrics.discovery.HealthStatus;

import java.time.Duration;
import java.util.List;

import static io.phoenix.metrics.collector.MetricDefinition.counter;
import static io.phoenix.metrics.collector.MetricDefinition.gauge;

/** State, restarts, exit code, health and uptime, from discovery; series exist for stopped containers too. */
public final class LifecycleCollector extends TableCollector {

    static final List<MetricDefinition<ContainerSnapshot>> METRICS = List.of(
            gauge("container_uptime_seconds", "seconds", "Seconds since the container last started; absent when not running.",
                    s -> s.container().state() == ContainerState.RUNNING && s.container().startedAt() != null
                            ? Math.max(0, Duration.between(s.container().startedAt(), s.now()).toMillis() / 1000.0) : null),
            counter("container_restarts_total", null, "Times the runtime restarted the container (its restart policy).",
                    s -> s.container().restartCount()),
            gauge("container_status", null,
                    "Container state: 0 unknown, 1 running, 2 created, 3 restarting, 4 paused, 5 removing, 6 exited, 7 dead.",
                    s -> statusCode(s.container().state())),
            gauge("container_exit_code", null, "Exit code of the last exit; absent while the container has never exited.",
                    s -> s.container().exitCode()),
            gauge("container_health_state", null, "Health check result: 1 healthy, 0 unhealthy or starting, -1 no health check.",
                    s -> healthCode(s.container().health())),
            gauge("container_start_time_seconds", "seconds", "Unix time the container last started.",
                    s -> s.container().startedAt() == null ? null : s.container().startedAt().toEpochMilli() / 1000.0),
            gauge("container_pids", null, "Processes and threads in the container.",
                    s -> s.latest() == null ? null : s.latest().pids()),
            gauge("container_last_sample_timestamp_seconds", "seconds",
                    "Unix time of the newest resource sample of the container: scrape time minus this is how stale the numbers are.",
                    s -> s.latest() == null ? null : s.latest().readAt().toEpochMilli() / 1000.0));

    public static int statusCode(ContainerState state) {
        return switch (state) {
            case UNKNOWN -> 0;
            case RUNNING -> 1;
            case CREATED -> 2;
            case RESTARTING -> 3;
            case PAUSED -> 4;
            case REMOVING -> 5;
            case EXITED -> 6;
            case DEAD -> 7;
        };
    }

    static int healthCode(HealthStatus health) {
        return switch (health) {
            case HEALTHY -> 1;
            case UNHEALTHY, STARTING -> 0;
            case NONE -> -1;
        };
    }

    public LifecycleCollector(CollectorConfig config) {
        super(config);
    }

    @Override
    public List<MetricValue> collect(ContainerSnapshot snapshot) {
        return emit(METRICS, snapshot, labels(snapshot.labels(), null, null), snapshot.now().toEpochMilli());
    }

    /** Uptime and the last sample's time move every pass. */
    @Override
    public boolean followsSamples() {
        return false;
    }
}
