package dev.allotment.streams.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.ReservationCreated;
import dev.allotment.events.ReservedLine;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the logs alone say is allocated and physically at each place, as ./allotment audit recomputes it. */
class ReplayTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final DecisionReplay.At WH = new DecisionReplay.At("S1", "wh-a");
    private static final DecisionReplay.At SUP = new DecisionReplay.At("S1", "sup-c");
    private final DecisionReplay decisions = new DecisionReplay();
    private final StockReplay stock = new StockReplay();

    private void reserve(String orderId, int quantity) {
        decisions.apply(orderId, new ReservationCreated(null, "web", 0, T0, List.of(new ReservedLine("l-1", "S1", quantity, 0))), T0);
    }

    private void request(String orderId, String id, String location, int quantity, boolean confirm) {
        decisions.apply(orderId, AllocationRequested.newBuilder().setAllocationId(id).setLocationId(location)
            .setConfirmMode(confirm ? AllocationMode.CONFIRM : AllocationMode.DIRECT)
            .setLines(List.of(new AllocatedLine("l-1", "S1", quantity))).setExpiresAt(null).setReason("test").build(), T0);
    }

    @Test
    void decisionsAboutAnAllocationTheLogNeverMadeAreNamedAndMoveNothing() {
        reserve("o-1", 2);
        // the log's AllocationRequested of a-9 is missing (a broker's crash split the transaction that wrote it)
        decisions.apply("o-1", new AllocationCancelled("a-9", List.of(new AllocatedLine("l-1", "S1", 2)), "order cancelled"), T0);
        decisions.apply("o-1", new AllocationCompleted("a-9", T0, List.of(new AllocatedLine("l-1", "S1", 2))), T0);
        decisions.apply("o-1", new AllocationRejected("a-9", List.of(), "no", List.of(RequestLineState.newBuilder().setLineId("l-1")
            .setSku("S1").setQuantity(2).setStatus("rejected").setBackorderedQuantity(0).setRejectedQuantity(2)
            .setBackorderDate(null).setLineAllocatedQuantity(0).build())), T0);

        assertEquals(3, decisions.unmade().size(), decisions.unmade().toString());
        assertTrue(decisions.unmade().get(0).startsWith("order o-1: AllocationCancelled of allocation a-9, line l-1"),
            decisions.unmade().get(0));
        assertTrue(decisions.allocated().keySet().stream().allMatch(at -> at.locationId() != null), "no place without a location");
        assertTrue(decisions.completions().isEmpty());
        assertEquals(0L, decisions.lines().get(DecisionReplay.lineKey("o-1", "l-1")).allocated());

        request("o-1", "a-1", "wh-a", 2, false);
        decisions.apply("o-1", new AllocationCancelled("a-1", List.of(new AllocatedLine("l-1", "S1", 2)), "order cancelled"), T0);
        assertEquals(3, decisions.unmade().size(), "an allocation the log made is not named");
        assertEquals(0L, decisions.allocated().get(WH));
    }

    @Test
    void aRejectedRequestHoldsNothingAndItsLineIsNoLongerAllocated() {
        reserve("o-1", 3);
        request("o-1", "r-1", "sup-c", 3, true);
        assertEquals(3L, decisions.allocated().get(SUP));

        decisions.apply("o-1", new AllocationRejected("r-1", List.of(), "no", List.of(RequestLineState.newBuilder().setLineId("l-1")
            .setSku("S1").setQuantity(3).setStatus("rejected").setBackorderedQuantity(0).setRejectedQuantity(3)
            .setBackorderDate(null).setLineAllocatedQuantity(0).build())), T0);

        assertEquals(0L, decisions.allocated().get(SUP));
        assertEquals(0L, decisions.lines().get(DecisionReplay.lineKey("o-1", "l-1")).allocated());
    }

    @Test
    void aCompletionLeavesTheLocationAndStaysAllocatedToItsLine() {
        reserve("o-1", 2);
        request("o-1", "a-1", "wh-a", 2, false);
        decisions.apply("o-1", new AllocationCompleted("a-1", T0.plusSeconds(60), List.of(new AllocatedLine("l-1", "S1", 2))),
            T0.plusSeconds(60));

        assertEquals(0L, decisions.allocated().get(WH));
        assertEquals(2L, decisions.lines().get(DecisionReplay.lineKey("o-1", "l-1")).allocated());
        assertEquals(List.of(new DecisionReplay.Completion(WH, 2, T0.plusSeconds(60))), decisions.completions());
    }

    @Test
    void aCountThenAdjustmentsThenCompletionsIsExact() {
        stock.applied(new StockSet("S1", "wh-a", 10, null), T0);
        stock.applied(new StockAdjusted("S1", "wh-a", -3, "damaged"), T0.plusSeconds(5));
        stock.completed(List.of(new DecisionReplay.Completion(WH, 2, T0.plusSeconds(60))));

        assertEquals(5, stock.physical(WH));
        assertTrue(stock.exact(WH));
    }

    @Test
    void cartHoldsAndIncomingStockChangeNoPhysicalQuantity() {
        stock.applied(new StockSet("S1", "wh-a", 10, null), T0);
        stock.applied(new dev.allotment.events.HoldPlaced("h-1", "S1", 4, "web", 60), T0.plusSeconds(1));
        stock.applied(new dev.allotment.events.HoldReleased("h-1", "S1", null), T0.plusSeconds(2));
        stock.applied(new dev.allotment.events.IncomingSet("S1", "wh-a", 7, null), T0.plusSeconds(3));

        assertEquals(10, stock.physical(WH));
    }

    @Test
    void aCountTakenWhileCompletionsWentOnIsNotGuessedAt() {
        stock.completed(List.of(new DecisionReplay.Completion(WH, 2, T0)));
        stock.applied(new StockSet("S1", "wh-a", 10, null), T0.plusSeconds(1));

        assertFalse(stock.exact(WH), "which came first is not in the log");
        assertEquals(10, stock.physical(WH), "the count is the last word when it came after");
    }

    @Test
    void completionsWhileTheLocationDidNotTrackStockTakeNoPhysicalQuantity() {
        stock.located("wh-a", false, T0);
        stock.applied(new StockSet("S1", "wh-a", 10, null), T0.plusSeconds(1));
        stock.located("wh-a", true, T0.plusSeconds(100));
        stock.completed(List.of(new DecisionReplay.Completion(WH, 2, T0.plusSeconds(50)),
            new DecisionReplay.Completion(WH, 3, T0.plusSeconds(200))));

        assertEquals(7, stock.physical(WH), "only the completion made while it tracked stock took its quantity");
        assertTrue(stock.exact(WH));
    }

    @Test
    void aSwitchOfTrackingCloseToACompletionIsNotGuessedAt() {
        stock.located("wh-a", false, T0);
        stock.located("wh-a", true, T0.plusSeconds(100));
        stock.completed(List.of(new DecisionReplay.Completion(WH, 2, T0.plusSeconds(101))));

        assertFalse(stock.exact(WH), "which side of the switch the engine saw the completion on is not in the log");
    }
}
