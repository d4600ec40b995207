package io.phoenix.metrics.output.remotewrite;

import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code metrics.remote-write.*}: pushing the store to a Prometheus remote-write 1.0 receiver. Off unless url is set. */
public interface RemoteWriteConfig {

    /** The receiver's write endpoint, e.g. {@code https://mimir.example/api/v1/push}; absent = no pushing. */
    Optional<String> url();

    /** How often the values of that moment are queued (with their own sample timestamps). */
    @WithDefault("15s")
    Duration pushInterval();

    /** Samples in one request at most. */
    @WithDefault("2000")
    int maxSamplesPerSend();

    /** How long unsent samples are kept while the receiver is away; older ones are dropped (and counted). */
    @WithDefault("15m")
    Duration bufferDuration();

    /**
     * Compressed bytes of unsent requests kept at most (a size such as 64M, 512K, or bytes); beyond that the oldest
     * are dropped (and counted). A string, parsed at start-up, so that the mapping needs no extra converter.
     */
    @WithDefault("64M")
    String bufferBytes();

    /** Time one request may take (connect, send, answer). */
    @WithDefault("10s")
    Duration timeout();

    /** First delay before retrying a failed request; doubles (with jitter) up to max-backoff. */
    @WithDefault("100ms")
    Duration minBackoff();

    @WithDefault("5s")
    Duration maxBackoff();

    /** Added to every series that lacks them; {@code node} defaults to the host name. */
    Map<String, String> externalLabels();

    /** Extra request headers, e.g. {@code X-Scope-OrgID} for a multi-tenant Mimir or Cortex. */
    Map<String, String> headers();

    Optional<BasicAuth> basicAuth();

    /** A file holding a bearer token (re-read at every push, so a rotated token is picked up). */
    Optional<String> bearerTokenFile();

    Tls tls();

    interface BasicAuth {
        String username();

        /** A file holding the password (re-read at every push). */
        String passwordFile();
    }

    interface Tls {
        /** PEM CA certificates to trust instead of the JVM's trust store. */
        Optional<String> caFile();
    }
}
