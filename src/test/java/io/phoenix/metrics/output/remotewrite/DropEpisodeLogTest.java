package io.phoenix.metrics.output.remotewrite;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While the receiver is away, pushes drop some batches and not others: that is one episode with one warning, which
 * ends when the receiver takes a batch again (then one line says how much was lost).
 */
class DropEpisodeLogTest {

    private static Batch batch(int samples) {
        return new Batch(new byte[16], samples, System.currentTimeMillis(), System.nanoTime());
    }

    @Test
    void oneWarningPerOutageHoweverThePushesFall() {
        RemoteWriteSettings settings = new RemoteWriteSettings(URI.create("http://127.0.0.1:9/api/v1/write"), Duration.ofSeconds(15),
                500, Duration.ofMinutes(15), 8192, Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(5),
                Map.of("node", "n"), Map.of(), new RemoteWriteSettings.Credentials.None(), Optional.empty());
        RemoteWriteStats stats = new RemoteWriteStats(settings, new PendingQueue(8192, Duration.ofMinutes(15).toNanos()),
                new SimpleMeterRegistry());
        List<LogRecord> records = new ArrayList<>();
        Logger logger = Logger.getLogger(RemoteWriteStats.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            for (int push = 0; push < 20; push++) {
                // Every other push overflows, as batches of different sizes meet a full buffer.
                stats.dropped("overflow", push % 2 == 0 ? List.of(batch(100)) : List.of());
            }
            List<String> lines = records.stream().map(r -> r.getMessage() + " " + List.of(r.getParameters() == null
                    ? new Object[0] : r.getParameters())).toList();
            assertEquals(1, lines.size(), "one warning for the whole outage: " + lines);

            stats.delivered(batch(10));
            stats.dropped("overflow", List.of(batch(100)));
            String all = records.stream().map(r -> String.valueOf(r.getMessage()) + " " + List.of(r.getParameters() == null
                    ? new Object[0] : r.getParameters())).toList().toString();
            assertEquals(3, records.size(), "the end of the episode and the start of the next: " + all);
            assertTrue(all.contains("1000"), "the end says how many samples were lost: " + all);
        } finally {
            logger.removeHandler(capture);
        }
    }
}
