package io.phoenix.metrics.output.remotewrite;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sender's counters (the {@code phoenix_remote_write_*} families, named after Prometheus' own
 * {@code prometheus_remote_storage_*}), the receiver's state, and log lines limited to one per episode: the first
 * drop, rejection or failure of a run of them, and one line when it ends.
 */
final class RemoteWriteStats {

    private static final Logger LOG = Logger.getLogger(RemoteWriteStats.class);
    static final List<String> DROP_REASONS = List.of("overflow", "expired");

    private final RemoteWriteSettings settings;
    private final PendingQueue queue;
    private final Counter sent;
    private final Counter failed;
    private final Counter retried;
    private final Map<String, Counter> dropped = new LinkedHashMap<>();

    private String state = "idle";
    private Instant since = Instant.now();
    private Instant lastSuccessAt;
    private String lastError;
    private Instant lastErrorAt;
    private long droppedInEpisode;

    RemoteWriteStats(RemoteWriteSettings settings, PendingQueue queue, MeterRegistry meters) {
        this.settings = settings;
        this.queue = queue;
        sent = Counter.builder("phoenix_remote_write_samples_sent")
                .description("Samples the remote-write receiver accepted.").register(meters);
        failed = Counter.builder("phoenix_remote_write_samples_failed")
                .description("Samples the receiver refused (4xx other than 429): dropped, never retried.").register(meters);
        retried = Counter.builder("phoenix_remote_write_samples_retried")
                .description("Samples of requests that failed recoverably (network, 5xx, 429) and are sent again.")
                .register(meters);
        for (String reason : DROP_REASONS) {
            dropped.put(reason, Counter.builder("phoenix_remote_write_samples_dropped")
                    .description("Samples never sent: the buffer was full (overflow) or they waited longer than buffer-duration (expired).")
                    .tag("reason", reason).register(meters));
        }
        Gauge.builder("phoenix_remote_write_samples_pending", queue, PendingQueue::samples)
                .description("Samples queued, not yet accepted by the receiver.").register(meters);
        Gauge.builder("phoenix_remote_write_pending_bytes", queue, PendingQueue::bytes)
                .description("Memory held by queued requests (compressed), at most metrics.remote-write.buffer-bytes.")
                .register(meters);
        Gauge.builder("phoenix_remote_write_oldest_pending_sample_age_seconds", this, RemoteWriteStats::oldestPendingAgeSeconds)
                .description("Age of the oldest queued sample; 0 when nothing is pending.").register(meters);
    }

    double oldestPendingAgeSeconds() {
        long oldest = queue.oldestTimestamp();
        return oldest < 0 ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000.0);
    }

    synchronized void delivered(Batch batch) {
        sent.increment(batch.samples());
        lastSuccessAt = Instant.now();
        if (!"up".equals(state) && !"idle".equals(state)) {
            LOG.infof("remote-write to %s works again", settings.displayUrl());
        }
        if (droppedInEpisode > 0) {
            LOG.infof("remote-write to %s: the receiver takes samples again; %d samples were dropped while it could not",
                    settings.displayUrl(), droppedInEpisode);
            droppedInEpisode = 0;
        }
        enter("up");
    }

    synchronized void rejected(Batch batch, SendOutcome.Rejected why) {
        failed.increment(batch.samples());
        error("HTTP " + why.status() + " " + why.body());
        if (!"rejecting".equals(state)) {
            LOG.warnf("remote-write to %s: the receiver refused a request (HTTP %d: %s); its %d samples are dropped, "
                    + "and so will be every refused request until one is accepted (see phoenix_remote_write_samples_failed_total)",
                    settings.displayUrl(), why.status(), why.body(), batch.samples());
        }
        enter("rejecting");
    }

    synchronized void retrying(Batch batch, SendOutcome.Retry why) {
        retried.increment(batch.samples());
        error(why.reason());
        if (!"retrying".equals(state)) {
            LOG.warnf("remote-write to %s failed (%s); retrying with backoff, keeping up to %s or %d bytes of samples",
                    settings.displayUrl(), why.reason(), settings.bufferDuration(), settings.bufferBytes());
        }
        enter("retrying");
    }

    /**
     * Counts batches the buffer dropped; logs the first of an episode, which ends when the receiver takes a batch
     * again (pushes while it is away drop some batches and not others: that is one episode, not many).
     */
    synchronized void dropped(String reason, List<Batch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        long samples = batches.stream().mapToLong(Batch::samples).sum();
        dropped.get(reason).increment(samples);
        if (droppedInEpisode == 0) {
            LOG.warnf("remote-write to %s: buffer %s, dropping the oldest samples (%d so far) until the receiver catches up",
                    settings.displayUrl(), "overflow".equals(reason) ? "full (buffer-bytes " + settings.bufferBytes() + ")"
                            : "older than buffer-duration " + settings.bufferDuration(), samples);
        }
        droppedInEpisode += samples;
    }

    private void error(String message) {
        lastError = message;
        lastErrorAt = Instant.now();
    }

    private void enter(String next) {
        if (!next.equals(state)) {
            state = next;
            since = Instant.now();
        }
    }

    synchronized OutputStatus status() {
        Map<String, Long> drops = new LinkedHashMap<>();
        dropped.forEach((reason, counter) -> drops.put(reason, (long) counter.count()));
        return new OutputStatus("remote-write", settings.displayUrl(), state, since, lastSuccessAt, lastError, lastErrorAt,
                (long) sent.count(), (long) failed.count(), (long) retried.count(), drops, queue.samples(), queue.bytes(),
                settings.bufferBytes(), oldestPendingAgeSeconds(), settings.pushInterval().toString(),
                settings.externalLabels());
    }
}
