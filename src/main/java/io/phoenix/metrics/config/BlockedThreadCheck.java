package io.phoenix.metrics.config;

import io.quarkus.vertx.VertxOptionsCustomizer;
import io.vertx.core.VertxOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Vert.x looks for an event loop or worker stuck in one task once a second by default: a wake-up per second on an
 * idle node, for a warning. Checked every 5 s, a task still blocked past its limit
 * ({@code quarkus.vertx.max-event-loop-execute-time}, 2 s) is reported at most 5 s later; one that ends between two
 * checks is not.
 */
@ApplicationScoped
public class BlockedThreadCheck implements VertxOptionsCustomizer {

    static final long INTERVAL_MILLIS = 5_000;

    @Override
    public void accept(VertxOptions options) {
        options.setBlockedThreadCheckInterval(INTERVAL_MILLIS);
    }
}
