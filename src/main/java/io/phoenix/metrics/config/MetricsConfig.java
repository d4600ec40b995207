package io.phoenix.metrics.config;

import io.phoenix.metrics.output.remotewrite.RemoteWriteConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /** Default collection interval of every collector (env METRICS_COLLECTION_INTERVAL). */
    @WithDefault("1s")
    Duration collectionInterval();

    /** Default time a collection may take before it counts as failed (env METRICS_TIMEOUT). */
    @WithDefault("5s")
    Duration timeout();

    /** Default retries of a failed collection within one tick (env METRICS_RETRY_ATTEMPTS). */
    @WithDefault("2")
    int retryAttempts();

    @WithDefault("200ms")
    Duration retryDelay();

    /** Consecutive failures after which a collector is reported unhealthy. */
    @WithDefault("3")
    int unhealthyAfter();

    /**
     * Per-collector settings under {@code metrics.collectors.<name>.*}. A name that is not a built-in or custom
     * collector must say which {@code type} it instantiates.
     */
    Map<String, CollectorSettings> collectors();

    interface CollectorSettings {
        Optional<String> type();

        Optional<Boolean> enabled();

        Optional<Duration> interval();

        Optional<Duration> timeout();

        Optional<Integer> retryAttempts();

        Optional<Duration> retryDelay();

        Map<String, String> customLabels();

        Map<String, String> parameters();
    }

    Labels labels();

    interface Labels {
        /** Container labels copied onto container_info as container_label_<sanitized key>. */
        Optional<List<String>> containerLabels();
    }

    Exposition exposition();

    interface Exposition {
        /** Write each sample's read time on /metrics; off by default so Prometheus stamps scrape time. */
        @WithDefault("false")
        boolean timestamps();
    }

    Discovery discovery();

    Stats stats();

    // ---- Where container numbers come from --------------------------------

    /**
     * {@code auto} (default): the kernel's cgroup files when {@code metrics.cgroup.root} and
     * {@code metrics.proc.root}/self/cgroup are readable, the runtime APIs otherwise; {@code cgroup}: always the
     * kernel (start-up fails when it cannot be read); {@code api}: always the runtimes' stats APIs. Discovery, names,
     * labels and lifecycle come from the runtime APIs in every case. Env METRICS_SOURCE.
     */
    @WithDefault("auto")
    Source source();

    enum Source {
        AUTO, CGROUP, API
    }

    Cgroup cgroup();

    interface Cgroup {
        /** Where the cgroup file systems are mounted (a DaemonSet mounts the host's, e.g. /host/sys/fs/cgroup). */
        @WithDefault("/sys/fs/cgroup")
        String root();

        /** Report the loopback interface among a container's networks. */
        @WithDefault("false")
        boolean includeLoopback();
    }

    Proc proc();

    interface Proc {
        /** The host's proc file system (e.g. /host/proc with hostPID), where containers' init PIDs are looked up. */
        @WithDefault("/proc")
        String root();
    }

    interface Stats {
        /**
         * How often Podman's libpod stream reports (whole seconds; Docker's stream always reports every second), and
         * the period of the cgroup source's pass over all containers.
         */
        @WithDefault("1s")
        Duration interval();

        /** A stats stream that sends nothing for this long is hung: it is counted as an error and re-opened. */
        @WithDefault("10s")
        Duration staleAfter();
    }

    FaultTolerance faultTolerance();

    Cri cri();

    interface Cri {
        /**
         * How often a CRI runtime without an event stream (containerd before 1.7) is listed to find what changed.
         */
        @WithDefault("1s")
        Duration pollInterval();
    }

    /** Requests to the runtimes (version, list, inspect); see RuntimeGuard. */
    interface FaultTolerance {
        /** Retries of a request that could not connect, with exponential backoff and jitter. */
        @WithDefault("1")
        int retries();

        @WithDefault("100ms")
        Duration retryDelay();

        /** How long an open circuit refuses requests before one probe is let through. */
        @WithDefault("3s")
        Duration circuitDelay();

        /** Requests in the rolling window that decide whether to open the circuit. */
        @WithDefault("4")
        int circuitVolume();

        @WithDefault("0.75")
        double circuitFailureRatio();
    }

    /** Pushing to a remote-write receiver ({@code metrics.remote-write.*}, off by default). */
    RemoteWriteConfig remoteWrite();

    Health health();

    interface Health {
        /** Readiness needs at least one reachable runtime endpoint; false keeps an agent with none ready. */
        @WithDefault("true")
        boolean requireRuntime();
    }

    Sse sse();

    interface Sse {
        /** Events buffered per client that does not keep up; beyond that the client is disconnected (and counted). */
        @WithDefault("256")
        int buffer();
    }

    interface Discovery {
        /** Full list against each endpoint, so that a missed event heals. */
        @WithDefault("30s")
        Duration resyncInterval();

        /** Timeout of a single request (version, list, inspect). Streams have no timeout. */
        @WithDefault("5s")
        Duration requestTimeout();

        /**
         * How long an idle pooled connection to an engine is kept for the next request (whole seconds). Short, so
         * that a burst of inspections after an engine restart does not hold sockets for a minute (Vert.x' default).
         */
        @WithDefault("10s")
        Duration keepAlive();

        /** First delay before re-opening a broken event stream; doubles up to {@link #reconnectMaxDelay()}. */
        @WithDefault("250ms")
        Duration reconnectMinDelay();

        /** Low enough that an engine is back in use within seconds of its restart. */
        @WithDefault("3s")
        Duration reconnectMaxDelay();
    }
}
