package io.phoenix.metrics.discovery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLimiterTest {

    @Test
    void aFloodOfOneKindLogsABurstThenOneSummaryPerWindow() {
        AtomicLong now = new AtomicLong();
        List<String> lines = new ArrayList<>();
        LogLimiter limiter = new LogLimiter(lines::add, "unix:///fake.sock", 5, Duration.ofSeconds(60), now::get);
        for (int i = 0; i < 117_000; i++) {
            limiter.warn("inspect", "inspect c" + i + " failed");
        }
        limiter.warn("failing", "failing: garbage");
        assertEquals(6, lines.size(), "five of the flood and one of another kind: " + lines);
        assertEquals(116_995, limiter.suppressed());
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        limiter.flush();
        assertEquals(7, lines.size());
        assertTrue(lines.get(6).contains("116995 more inspect warning(s)") && lines.get(6).contains("c116999"), lines.get(6));
        limiter.flush();
        assertEquals(7, lines.size(), "a summary once");
        limiter.warn("inspect", "again");
        assertEquals(8, lines.size(), "a new window logs again");
    }
}
