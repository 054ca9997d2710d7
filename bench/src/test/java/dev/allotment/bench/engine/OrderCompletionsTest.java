package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderCompletionsTest {
    private final OrderCompletions completions = new OrderCompletions();
    private final List<long[]> done = new ArrayList<>();

    private void expect(String order, long intended, int lines, int units) {
        completions.expect(order, intended, lines, units, (i, n, seen) -> done.add(new long[] {i, n, seen}));
    }

    @Test
    void anOrderCompletesOnceAtTheDecisionCoveringItsLastUnit() {
        expect("o-1", 100, 3, 6);
        completions.decided("o-1", 2, 150);   // line 1 allocated
        completions.decided("o-1", 1, 160);   // line 2, part of it
        assertTrue(done.isEmpty(), "three of six units decided");
        completions.decided("o-1", 2, 170);   // line 2, the rest
        completions.decided("o-1", 1, 200);   // line 3, backordered
        assertEquals(1, done.size());
        assertEquals(List.of(100L, 3L, 200L), List.of(done.get(0)[0], done.get(0)[1], done.get(0)[2]));
        assertEquals(0, completions.open());
        assertEquals(1, completions.completed());
        assertEquals(6, completions.expectedUnits());
        assertEquals(0, completions.strayUnits());
    }

    @Test
    void decisionsNobodyOrderedAndUnitsDecidedTwiceAreStray() {
        expect("o-1", 0, 1, 2);
        completions.decided("o-9", 4, 10);    // no such order
        completions.decided("o-1", 3, 20);    // one unit more than ordered
        completions.decided("o-1", 1, 30);    // after completion: no open order
        assertEquals(1, done.size());
        assertEquals(4 + 1 + 1, completions.strayUnits());
    }

    @Test
    void ordersAreDistinctAndNeverEmpty() {
        expect("o-1", 0, 1, 1);
        assertThrows(IllegalStateException.class, () -> expect("o-1", 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> expect("o-2", 0, 1, 0));
    }

    @Test
    void waitingGivesUpWhenNothingCompletesAndReturnsOnceAllHave() throws Exception {
        expect("o-1", 0, 1, 1);
        IllegalStateException stalled = assertThrows(IllegalStateException.class,
            () -> completions.awaitAllCompleted("test", Duration.ofMillis(50), () -> {}));
        assertTrue(stalled.getMessage().contains("1 of 1 orders"), stalled.getMessage());
        completions.decided("o-1", 1, 5);
        completions.awaitAllCompleted("test", Duration.ofMillis(50), () -> {});
        RuntimeException watcher = new IllegalStateException("watcher failed");
        expect("o-2", 0, 1, 1);
        assertEquals(watcher, assertThrows(IllegalStateException.class,
            () -> completions.awaitAllCompleted("test", Duration.ofSeconds(5), () -> {
                throw watcher;
            })));
    }
}
