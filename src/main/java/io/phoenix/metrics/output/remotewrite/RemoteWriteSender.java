package io.phoenix.metrics.output.remotewrite;

import io.micrometer.core.instrument.MeterRegistry;
import io.phoenix.metrics.config.MetricsConfig;
import io.phoenix.metrics.runtime.Backoff;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pushes the store to a remote-write receiver. Every push-interval a worker thread reads the store (never the
 * collectors or the engines), keeps the series with a newer sample, encodes them into batches and queues them;
 * batches then go out one at a time, oldest first, from the event loop. A failed request is retried with
 * exponential backoff and jitter while newer batches wait behind it, so a receiver that is away or hung only
 * fills this sender's bounded queue.
 */
@ApplicationScoped
public class RemoteWriteSender {

    private static final Logger LOG = Logger.getLogger(RemoteWriteSender.class);

    @Inject
    MetricsConfig config;
    @Inject
    StoreReader store;
    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry meters;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    private RemoteWriteSettings settings;
    private PendingQueue queue;
    private WriteRequestEncoder encoder;
    private RemoteWriteClient client;
    private RemoteWriteStats stats;
    private Backoff backoff;
    private final ChangedPoints changed = new ChangedPoints();
    private final AtomicBoolean collecting = new AtomicBoolean();
    private final AtomicBoolean credentialsWarned = new AtomicBoolean();
    /** Guarded by this: a retry timer is pending, so nothing is sent before it fires. */
    private boolean waiting;
    private int attempt;
    private long timer = -1;
    private volatile boolean stopped;

    /** After the collectors have started; a bad metrics.remote-write.* value fails start-up here, naming its key. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 200) StartupEvent event) {
        Optional<RemoteWriteSettings> configured = RemoteWriteSettings.from(config.remoteWrite());
        if (configured.isEmpty()) {
            return;
        }
        settings = configured.get();
        queue = new PendingQueue(settings.bufferBytes(), settings.bufferDuration().toNanos());
        encoder = new WriteRequestEncoder(settings.externalLabels(), settings.maxSamplesPerSend());
        client = new RemoteWriteClient(vertx, settings, "phoenix-metrics-collector/" + version);
        stats = new RemoteWriteStats(settings, queue, meters);
        backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
        long every = settings.pushInterval().toMillis();
        timer = vertx.setPeriodic(every, every, id -> pushSoon());
        LOG.infof("remote-write to %s every %s, external labels %s", settings.displayUrl(), settings.pushInterval(),
                settings.externalLabels());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (client != null) {
            client.close();
        }
    }

    /** The receiver's state, or empty when remote-write is off. */
    public Optional<OutputStatus> status() {
        return stats == null ? Optional.empty() : Optional.of(stats.status());
    }

    private void pushSoon() {
        if (stopped || !collecting.compareAndSet(false, true)) {
            return; // the previous read is still running: skip a beat rather than pile up
        }
        vertx.executeBlocking(Uni.createFrom().item(() -> {
            collect();
            return null;
        }), false).subscribe().with(done -> {
            collecting.set(false);
            pump();
        }, error -> {
            collecting.set(false);
            LOG.warnf(error, "remote-write: reading the store failed");
        });
    }

    /** On a worker thread: store → new samples → batches → queue; expired batches out. */
    private void collect() {
        long nowNanos = System.nanoTime();
        List<StoreReader.Point> points = changed.next(store.read(), System.currentTimeMillis());
        try {
            client.refreshCredentials();
            credentialsWarned.set(false);
        } catch (IOException e) {
            if (credentialsWarned.compareAndSet(false, true)) {
                LOG.warnf("remote-write: cannot read the credentials file (%s); using the last value read", e.toString());
            }
        }
        for (Batch batch : encoder.encode(points, nowNanos)) {
            stats.dropped("overflow", queue.offer(batch));
        }
        stats.dropped("expired", queue.expire(nowNanos));
    }

    private synchronized void pump() {
        if (stopped || waiting) {
            return;
        }
        Batch batch = queue.startSend();
        if (batch != null) {
            client.send(batch).subscribe().with(outcome -> ended(batch, outcome),
                    error -> ended(batch, new SendOutcome.Retry(error.toString(), null)));
        }
    }

    private void ended(Batch batch, SendOutcome outcome) {
        if (outcome instanceof SendOutcome.Delivered) {
            queue.endSend(batch, true);
            stats.delivered(batch);
            resetAndPump();
        } else if (outcome instanceof SendOutcome.Rejected rejected) {
            queue.endSend(batch, true);
            stats.rejected(batch, rejected);
            resetAndPump();
        } else if (outcome instanceof SendOutcome.Retry retry) {
            queue.endSend(batch, false);
            stats.retrying(batch, retry);
            retryLater(retry.retryAfter());
        }
    }

    private synchronized void resetAndPump() {
        attempt = 0;
        pump();
    }

    private synchronized void retryLater(Duration retryAfter) {
        Duration delay = backoff.delay(attempt++);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        waiting = true;
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            synchronized (this) {
                waiting = false;
            }
            pump();
        });
    }
}
