package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A wait on the calling thread for what no key's change signals asks every 5 ms until it has an answer or its bound has
 * passed; the keyed waits are {@link LaterWaitTest}'s.
 */
class PollingTest {
    @Test
    void itAsksEveryFiveMillisecondsAndEndsEmptyAtItsBound() {
        AtomicInteger reads = new AtomicInteger();
        long started = System.nanoTime();
        Optional<String> answer = Polling.until(Duration.ofMillis(300), () -> {
            reads.incrementAndGet();
            return Optional.empty();
        });
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertTrue(answer.isEmpty());
        assertTrue(tookMs >= 300, "waited its bound: " + tookMs + " ms");
        // every 5 ms: 61 in 300 ms at most, fewer when sleeps overrun (a 20 ms pause would make at most 16)
        assertTrue(reads.get() >= 20 && reads.get() <= 62, "reads in 300 ms: " + reads.get());
    }

    @Test
    void itEndsAtTheFirstAnswer() {
        AtomicInteger reads = new AtomicInteger();
        assertTrue(Polling.until(Duration.ofSeconds(30), () -> reads.incrementAndGet() == 3));
        assertEquals(3, reads.get(), "no read after the answer");
        assertFalse(Polling.until(Duration.ofMillis(20), () -> false), "a condition that never holds: false at the bound");
    }
}
