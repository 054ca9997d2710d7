package dev.allotment.bench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client waiting for its turn parks once for the whole wait, not a millisecond at a time. */
class PacerTest {
    /** A clock that moves only when parked: by the time asked, the first time {@code firstShortBy} less (woken early). */
    private static final class ParkedClock implements Pacer.Clock {
        private long shortBy;
        private long now;
        private final List<Long> parks = new ArrayList<>();

        ParkedClock(long firstShortBy) {
            this.shortBy = firstShortBy;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void park(long nanos) {
            parks.add(nanos);
            now += nanos - shortBy;
            shortBy = 0;
        }
    }

    @Test
    void aWaitOfASecondIsOnePark() {
        ParkedClock clock = new ParkedClock(0);
        Pacer.awaitUntil(1_000_000_000L, clock);
        assertEquals(List.of(1_000_000_000L), clock.parks);
        assertEquals(1_000_000_000L, clock.nanoTime());
    }

    @Test
    void aWakeUpBeforeItsTimeParksAgainForWhatIsLeft() {
        ParkedClock clock = new ParkedClock(400_000_000L);
        Pacer.awaitUntil(1_000_000_000L, clock);
        assertEquals(List.of(1_000_000_000L, 400_000_000L), clock.parks);
        assertEquals(1_000_000_000L, clock.nanoTime());
    }

    @Test
    void aMomentPassedDoesNotPark() {
        ParkedClock clock = new ParkedClock(0);
        clock.now = 5;
        Pacer.awaitUntil(3, clock);
        assertEquals(List.of(), clock.parks);
    }
}
