package io.phoenix.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything the agent reads from configuration lives under {@code metrics.*}. */
@ConfigMapping(prefix = "metrics")
public interface MetricsConfig {

    /**
     * Runtime endpoints as {@code unix://} URIs. When set, exactly these are used (a path that does not
     * exist is reported as unavailable); when absent, endpoints are auto-detected.
     */
    Optional<List<String>> runtimes();

    /** Look at DOCKER_HOST, CONTAINER_HOST and the well-known sockets when {@link #runtimes()} is absent. */
    @WithDefault("true")
    boolean autodetect();

    /** Docker Engine API version spoken to every endpoint (Docker and Podman's compat layer both serve it). */
    @WithDefault("v1.41")
    String apiVersion();

    Discovery discovery();

    interface Discovery {
        /** Full list against each endpoint, so that a missed event heals. */
        @WithDefault("30s")
        Duration resyncInterval();

        /** Timeout of a single request (version, list, inspect). Streams have no timeout. */
        @WithDefault("5s")
        Duration requestTimeout();

        /** First delay before re-opening a broken event stream; doubles up to {@link #reconnectMaxDelay()}. */
        @WithDefault("250ms")
        Duration reconnectMinDelay();

        @WithDefault("30s")
        Duration reconnectMaxDelay();
    }
}
