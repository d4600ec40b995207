package io.phoenix.metrics.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * Every run of one collector, whatever started it (its timer, a new sample, an inventory change), goes through
 * here: one guard (the collector's timeout and retries) and one measurement ({@code phoenix_collector_duration_seconds},
 * {@code phoenix_collector_errors_total}, the health /api/collectors shows).
 */
final class GuardedRun {

    private static final Logger LOG = Logger.getLogger(GuardedRun.class);

    private final CollectorConfig config;
    private final Guard guard;
    private final CollectorHealth health;
    private final Timer duration;
    private final MeterRegistry meters;
    /** Registered at the first failure, as before: a collector that never failed shows no error series. */
    private volatile Counter errors;

    GuardedRun(CollectorConfig config, int unhealthyAfter, MeterRegistry meters) {
        this.config = config;
        this.guard = guardFor(config);
        this.health = new CollectorHealth(config.name(), unhealthyAfter);
        this.duration = Timer.builder("phoenix_collector_duration").description("Time one collection pass of a collector takes.")
                .tag("collector", config.name()).register(meters);
        this.meters = meters;
    }

    CollectorStatus status() {
        return health.status();
    }

    /**
     * A pass with nothing to collect (no container due): a run that succeeded at once. The guard is not entered, so
     * that an empty node or a pass whose containers were all just computed from samples does not wake its timer.
     */
    void nothingDue() {
        duration.record(Duration.ZERO);
        health.success(Duration.ZERO);
    }

    /** Runs {@code pass} under the guard; a failure is counted and recorded, never thrown. */
    void run(Callable<Void> pass) {
        long started = System.nanoTime();
        String failure = null;
        try {
            guard.call(pass, Void.class);
        } catch (TimeoutException e) {
            failure = "took longer than the timeout of " + config.timeout().toMillis() + " ms";
        } catch (Exception e) {
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        duration.record(took);
        if (failure == null) {
            health.success(took);
        } else {
            LOG.debugf("collector %s failed: %s", config.name(), failure);
            if (errors == null) {
                errors = Counter.builder("phoenix_collector_errors").description("Collection passes that failed, per collector.")
                        .tag("collector", config.name()).register(meters);
            }
            errors.increment();
            health.failure(failure, took);
        }
    }

    /**
     * The collector's own timeout and retries (SmallRye's programmatic Guard: settings per instance, which
     * annotations cannot do). A retry re-runs the whole pass; passes are idempotent.
     */
    private static Guard guardFor(CollectorConfig c) {
        Guard.Builder builder = Guard.create().withDescription("collector " + c.name())
                .withTimeout().duration(c.timeout().toMillis(), ChronoUnit.MILLIS).done();
        if (c.retryAttempts() > 0) {
            builder = builder.withRetry().maxRetries(c.retryAttempts())
                    .delay(c.retryDelay().toMillis(), ChronoUnit.MILLIS)
                    .abortOn(TimeoutException.class)
                    .done();
        }
        return builder.build();
    }
}
