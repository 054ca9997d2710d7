package dev.allotment.bench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A system that is slow while cold: during the warm-up each operation takes 3 ms, three times the schedule's 1 ms,
 * so 300 warm-up operations meant for 0.3 s take about 0.9 s; warm, it answers at once.
 */
class LoadTest {

    @Test
    void theWarmUpsBacklogIsNotChargedToTheMeasuredWindow() throws InterruptedException {
        AtomicLong warmRuns = new AtomicLong();
        AtomicLong measuredRuns = new AtomicLong();
        Load.Outcome outcome = Load.run("cold start", 1, 1000, Duration.ofMillis(300), Duration.ofMillis(300),
            Long.MAX_VALUE, (client, warmup, index) -> {
                if (warmup) {
                    warmRuns.incrementAndGet();
                    Thread.sleep(3);
                } else {
                    measuredRuns.incrementAndGet();
                }
            });
        Measurement m = outcome.measurement();
        assertEquals(0, outcome.errors());
        assertEquals(300, warmRuns.get(), "every warm-up operation runs");
        assertEquals(300, measuredRuns.get(), "the window schedules its own 300");
        assertEquals(300, m.warmupCompleted());
        assertEquals(300, m.measuredCompleted());
        // the warm-up's 0.6 s backlog is said, and kept out of the window: charged to it, its p50 would be about 0.3 s
        assertTrue(m.warmupOverrunNanos() >= 400_000_000L, "overrun " + m.warmupOverrunNanos() / 1e6 + " ms");
        assertTrue(m.latency().p50() < 20, "the window's p50 is of a warm system: " + m.latency());
        RunResult result = RunResult.of("cold start", java.util.Map.of(), 1000.0, m, java.util.Map.of());
        assertEquals(m.warmupOverrunNanos() / 1_000_000L, result.extra().get("warmup_overrun_ms"));
    }

    @Test
    void anUnthrottledWindowEndedByItsLimitRecordsEveryOperation() throws InterruptedException {
        Load.Outcome outcome = Load.run("closed loop", 4, 0, Duration.ofMillis(100), Duration.ofSeconds(30), 500,
            (client, warmup, index) -> { });
        Measurement m = outcome.measurement();
        assertEquals(500, m.measuredCompleted(), "every operation of the window is measured, none counted as warm-up");
        assertTrue(m.warmupCompleted() > 0);
    }

    @Test
    void aWarmUpThatKeepsUpStartsTheWindowOnTime() throws InterruptedException {
        Load.Outcome outcome = Load.run("warm", 2, 200, Duration.ofMillis(200), Duration.ofMillis(200), Long.MAX_VALUE,
            (client, warmup, index) -> { });
        Measurement m = outcome.measurement();
        assertEquals(40, m.warmupCompleted());
        assertEquals(40, m.measuredCompleted());
        assertTrue(m.warmupOverrunNanos() < 50_000_000L, "overrun " + m.warmupOverrunNanos() / 1e6 + " ms");
        assertEquals(java.util.Map.of(), RunResult.of("warm", java.util.Map.of(), 200.0, m, java.util.Map.of()).extra());
    }
}
