package io.phoenix.metrics.output.remotewrite;

import java.time.Duration;

/** How one request ended: the three cases the remote-write spec tells a sender to tell apart. */
sealed interface SendOutcome {

    /** 2xx: the receiver has the samples. */
    record Delivered(int status) implements SendOutcome {
    }

    /** Network error, timeout, 5xx or 429: try the same batch again. @param retryAfter the receiver's wish, or null */
    record Retry(String reason, Duration retryAfter) implements SendOutcome {
    }

    /** Any other status (400 and the like): the receiver will never take this batch, so it is dropped. */
    record Rejected(int status, String body) implements SendOutcome {
    }
}
