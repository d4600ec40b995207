package io.phoenix.metrics.runtime;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Fault tolerance of the requests to one endpoint (SmallRye's programmatic Guard, because the settings are per
 * endpoint): a timeout, a retry with exponential backoff and jitter for connection failures only (garbage or a
 * 404 will not improve by asking again), and a circuit breaker per endpoint. While the circuit is open, calls
 * fail at once without touching the socket; after {@code circuitDelay} one call probes the engine.
 */
public final class RuntimeGuard {

    /** Settings, from {@code metrics.fault-tolerance.*}. */
    public record Settings(Duration timeout, int retries, Duration retryDelay, Duration circuitDelay,
                           int circuitVolume, double circuitFailureRatio) {
    }

    private static final TypeLiteral<Uni<Object>> UNI = new TypeLiteral<>() {
    };

    private final String circuitName;
    private final Duration circuitDelay;
    private final Guard guard;
    /** Looked up once: a CDI lookup per request and per scrape of the circuit gauge is not free. */
    private volatile CircuitBreakerMaintenance maintenance;

    public RuntimeGuard(RuntimeEndpoint endpoint, Settings settings) {
        this.circuitName = "runtime:" + endpoint.uri();
        this.circuitDelay = settings.circuitDelay();
        this.guard = Guard.create()
                .withDescription("requests to " + endpoint.uri())
                .withTimeout().duration(settings.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withRetry()
                    .maxRetries(settings.retries())
                    .delay(settings.retryDelay().toMillis(), ChronoUnit.MILLIS)
                    .jitter(Math.max(1, settings.retryDelay().toMillis() / 2), ChronoUnit.MILLIS)
                    .retryOn(RuntimeApiException.Unavailable.class)
                    .withExponentialBackoff().factor(2).maxDelay(settings.retryDelay().toMillis() * 8, ChronoUnit.MILLIS).done()
                    .done()
                .withCircuitBreaker()
                    .name(circuitName)
                    .skipOn(RuntimeApiException.NotFound.class)
                    .requestVolumeThreshold(settings.circuitVolume())
                    .failureRatio(settings.circuitFailureRatio())
                    .delay(settings.circuitDelay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(1)
                    .done()
                .build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Uni<T> call(Supplier<Uni<T>> request) {
        return (Uni<T>) guard.get((Supplier) request, (TypeLiteral) UNI);
    }

    public CircuitBreakerState circuitState() {
        CircuitBreakerMaintenance circuits = maintenance;
        if (circuits == null) {
            circuits = maintenance = CircuitBreakerMaintenance.get();
        }
        return circuits.currentState(circuitName);
    }

    /** closed, open or half_open, as the API and metrics show it. */
    public String circuit() {
        return circuitState().name().toLowerCase(Locale.ROOT);
    }

    /** How long an open circuit waits before it lets a probe through. */
    public Duration circuitDelay() {
        return circuitDelay;
    }

    public boolean isOpen() {
        return circuitState() == CircuitBreakerState.OPEN;
    }
}
