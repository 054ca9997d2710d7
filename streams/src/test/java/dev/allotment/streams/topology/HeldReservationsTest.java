package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A held reservation's offset is taken by the order's next write, or handed out to be written alone at its second turn. */
class HeldReservationsTest {
    private final HeldReservations held = new HeldReservations();
    private final Map<String, Long> written = new LinkedHashMap<>();

    @Test
    void takenOnceOrHandedOutAtTheSecondTurnAfterItWasHeld() {
        held.hold("o-1", 10);
        held.hold("o-2", 11);
        assertEquals(10, held.take("o-1"));
        assertEquals(-1, held.take("o-1"), "taken once");

        held.turn(written::put);
        assertEquals(Map.of(), written, "held one turn at least");
        held.hold("o-3", 12);
        assertEquals(2, held.size());
        held.turn(written::put);
        assertEquals(Map.of("o-2", 11L), written, "handed out at its second turn, and no longer held");
        assertEquals(-1, held.take("o-2"));
        assertEquals(12, held.take("o-3"), "one held since the last turn is still there");

        held.hold("o-4", 13);
        held.turn(written::put);
        held.hold("o-4", 14);   // the order's reservation folded again (its task replayed it): the newer counts, once
        held.turn(written::put);
        assertEquals(Map.of("o-2", 11L), written, "held anew: another full turn");
        held.turn(written::put);
        assertEquals(Map.of("o-2", 11L, "o-4", 14L), written);
        assertEquals(0, held.size());

        held.hold("o-5", 15);
        held.clear();
        assertEquals(-1, held.take("o-5"));
    }
}
