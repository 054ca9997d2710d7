package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstWarningOfEachIntervalIsLoggedWithHowManyWereHeldBackBeforeIt() {
        WarningThrottle throttle = new WarningThrottle(Duration.ofSeconds(60));
        long start = -5 * SECOND;   // nanoTime may be negative
        assertEquals(0, throttle.admit(start));
        assertEquals(-1, throttle.admit(start + SECOND));
        assertEquals(-1, throttle.admit(start + 59 * SECOND));
        assertEquals(2, throttle.admit(start + 60 * SECOND), "two held back in the first minute");
        assertEquals(-1, throttle.admit(start + 61 * SECOND));
        assertEquals(1, throttle.admit(start + 500 * SECOND), "a warning after a quiet spell is logged at once");
        assertEquals(-1, throttle.admit(start + 501 * SECOND));
    }
}
