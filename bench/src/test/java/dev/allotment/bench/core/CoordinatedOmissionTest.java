package dev.allotment.bench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A simulated server that answers in 1 ms but stalls once for 1 s, driven at 100 requests/s for 10 s by one client:
 * latency from the intended start charges the stall to the ~100 requests it delayed; latency from the actual start
 * (what a naive closed-loop client records) sees one slow request.
 */
class CoordinatedOmissionTest {
    private static final long MS = 1_000_000L;

    @Test
    void latencyFromIntendedStartChargesTheStallToEveryDelayedRequest() {
        long start = 1_000 * MS;
        Pacer pacer = new Pacer(start, 100);
        Measurement corrected = new Measurement(start, start + 10_000 * MS);
        Measurement naive = new Measurement(start, start + 10_000 * MS);
        long now = start;
        for (long seq = 0; seq < 1000; seq++) {
            long intended = pacer.intendedStart(seq, now);
            long actualStart = Math.max(now, intended);
            now = actualStart + (seq == 500 ? 1000 * MS : MS);
            corrected.record(intended, now);
            naive.record(actualStart, now);
        }
        corrected.tick();
        naive.tick();
        assertEquals(1000, corrected.measuredCompleted());
        assertTrue(naive.latency().p99() < 2, "naive p99 should be the 1 ms service time: " + naive.latency());
        assertTrue(corrected.latency().p99() > 800, "corrected p99 should show the stall: " + corrected.latency());
        assertTrue(corrected.latency().p90() > 1 && corrected.latency().p90() < 200, corrected.latency().toString());
        assertEquals(1000, corrected.latency().max(), 5);
    }

    @Test
    void unthrottledPacingStartsEachOperationWhenItIsIssued() {
        Pacer closed = new Pacer(0, 0);
        assertEquals(12_345, closed.intendedStart(99, 12_345));
        Pacer paced = new Pacer(1_000, 1000);  // one per millisecond
        assertEquals(1_000 + 5 * MS, paced.intendedStart(5, 0));
    }

    @Test
    void warmUpIsCountedNotRecordedAndABacklogLowersTheRate() {
        Measurement m = new Measurement(1000 * MS, 2000 * MS);
        m.record(500 * MS, 600 * MS);                       // warm-up
        for (int i = 0; i < 100; i++) {                      // 100 in the 1 s window, the last done 1 s late
            long intended = 1000 * MS + i * 10 * MS;
            m.record(intended, i == 99 ? 3000 * MS : intended + MS);
        }
        m.record(2500 * MS, 2600 * MS);                     // after the window: ignored
        m.tick();
        assertEquals(1, m.warmupCompleted());
        assertEquals(100, m.measuredCompleted());
        assertEquals(50.0, m.achievedRate(), 0.01, "100 completions over the 2 s it took to finish them");
        assertEquals(List.of(100L), m.perSecond());
    }
}
