package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.DROP_SHIPPER;
import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.LINE;
import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LocationStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StockCounts}: counts (StockSet), adjustments (StockAdjusted) and incoming stock (IncomingSet) of a SKU at a
 * location, through the desk. A count is a fact (DESIGN §4, invariant 9): below what is allocated it is applied, and
 * allocations give way by the {@link Shortfall} rule.
 */
class StockCountsTest {
    private final DeskFixture f = new DeskFixture();

    private static List<Integer> physicalAllocatedIncoming(LocationStock s) {
        return List.of(s.getPhysical(), s.getAllocated(), s.getIncoming());
    }

    @Test
    void aCountSetsPhysicalAndIncomingAtTheLocation() {
        f.stockChange(new StockSet(SKU, WAREHOUSE, 10, 4));

        assertEquals(List.of(10, 0, 4), physicalAllocatedIncoming(f.level(WAREHOUSE)));
        assertEquals(f.now(), f.level(WAREHOUSE).getUpdatedAt());
        assertEquals(List.of(), f.kinds(), "a count is not a decision about any order");
    }

    @Test
    void aCountWithoutIncomingLeavesIncomingAsItWas() {
        f.stockChange(new StockSet(SKU, WAREHOUSE, 10, 4));
        f.stock(WAREHOUSE, 7);

        assertEquals(List.of(7, 0, 4), physicalAllocatedIncoming(f.level(WAREHOUSE)));
    }

    @Test
    void anAdjustmentAddsItsDeltaToPhysicalAndIncomingIsSetOnItsOwn() {
        f.stock(WAREHOUSE, 10);
        f.adjust(WAREHOUSE, -3);
        f.incoming(WAREHOUSE, 20);

        assertEquals(List.of(7, 0, 20), physicalAllocatedIncoming(f.level(WAREHOUSE)));
    }

    @Test
    void aCountBelowWhatIsAllocatedIsAppliedAndTheLowestPriorityThenTheNewestLineGivesWay() {
        f.stock(WAREHOUSE, 10);
        f.place("o-high", LINE, MANUAL, 3, 5, null);
        f.allocate("o-high", WAREHOUSE, 3, "al-high");
        f.place("o-old", LINE, MANUAL, 3, 0, null);
        f.allocate("o-old", WAREHOUSE, 3, "al-old");
        f.advance(Duration.ofSeconds(1));
        f.place("o-new", LINE, MANUAL, 3, 0, null);
        f.allocate("o-new", WAREHOUSE, 3, "al-new");

        f.stock(WAREHOUSE, 5);

        assertEquals(List.of(5, 5, 0), physicalAllocatedIncoming(f.level(WAREHOUSE)), "the count stands, allocations gave way");
        assertEquals(List.of(3, 2, 0), List.of(f.line("o-high").getAllocatedQuantity(), f.line("o-old").getAllocatedQuantity(),
            f.line("o-new").getAllocatedQuantity()), "priority 0 before 5; of two equal, the newer line first; the last keeps what it can");
        List<AllocationCancelled> released = f.decided(AllocationCancelled.class);
        assertEquals(List.of("al-new", "al-old"), released.stream().map(AllocationCancelled::getAllocationId).toList());
        assertEquals(List.of(3, 1), released.stream().map(c -> c.getLines().get(0).getQuantity()).toList());
        released.forEach(c -> assertTrue(c.getReason().startsWith("stock count: 5 of S1 at wh-a is below the 9 allocated"),
            c.getReason()));
        assertFalse(f.line("o-new").getWaiting(), "a line of a channel without routing waits for a person, as any such line");
    }

    @Test
    void anAdjustmentBelowWhatIsAllocatedTakesBackTheSameWay() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        f.allocate("o-1", WAREHOUSE, 4, "al-1");

        f.adjust(WAREHOUSE, -7);

        assertEquals(List.of(3, 3, 0), physicalAllocatedIncoming(f.level(WAREHOUSE)));
        assertEquals(3, f.part("o-1", "al-1").getQuantity());
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.adjust(WAREHOUSE, -4)), "physical is never negative");
    }

    @Test
    void aLineThatGaveWayIsRoutedOnElseWaitsAsBackorderDemand() {
        f.stock(WAREHOUSE, 4);
        f.stock(OTHER_WAREHOUSE, 2);
        f.place("o-web", DeskFixture.DROP, 4);   // wh-a, then the drop-shipper
        f.place("o-shop", DeskFixture.SHOP, 2);  // wh-b only
        assertEquals(4, f.allocated(WAREHOUSE));
        assertEquals(2, f.allocated(OTHER_WAREHOUSE));

        f.stock(WAREHOUSE, 1);
        assertEquals(List.of(1, 1, 0), physicalAllocatedIncoming(f.level(WAREHOUSE)));
        assertEquals(4, f.line("o-web").getAllocatedQuantity(), "3 routed on to the drop-shipper");
        assertTrue(f.decided(AllocationRequested.class).stream().anyMatch(r -> r.getLocationId().equals(DROP_SHIPPER)
            && r.getReason().startsWith("re-routed after stock count")));

        f.stock(OTHER_WAREHOUSE, 0);
        assertEquals(0, f.line("o-shop").getAllocatedQuantity());
        assertTrue(f.line("o-shop").getWaiting(), "nowhere else to go: it waits, and is served first when stock comes");
        assertEquals(2, f.decidedOne(LineBackordered.class).getQuantity());
        f.stock(OTHER_WAREHOUSE, 2);
        assertEquals(2, f.line("o-shop").getAllocatedQuantity());
    }

    @Test
    void stockSetAsideForACommandOverSeveralSkusIsNotCountedAwayWhileItIsDecided() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        f.allocate("o-1", WAREHOUSE, 2, "al-1");
        f.place("o-2", MANUAL, 5);
        SkuDesk.Prepared p = f.desk.prepare(SKU, List.of(new SkuDesk.Part("k:a", "o-2",
            new AllocateLines(WAREHOUSE, List.of(new LineQuantity(null, SKU, 4)), "al-g"))), f.now());

        assertEquals(RefusalCode.IN_PROGRESS, f.refused(() -> f.stock(WAREHOUSE, 3)), "4 are set aside for the group");
        f.stock(WAREHOUSE, 4);
        assertEquals(List.of(4, 4, 0), physicalAllocatedIncoming(f.level(WAREHOUSE)), "the line's 2 gave way, the 4 set aside did not");
        assertEquals(0, f.line("o-1").getAllocatedQuantity());
        f.desk.abort(SKU, p, f.now());
        assertEquals(List.of(4, 0, 0), physicalAllocatedIncoming(f.level(WAREHOUSE)));
    }

    @Test
    void negativeStockOrIncomingIsRefusedAsAnInvalidQuantity() {
        f.stock(WAREHOUSE, 2);

        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.stock(WAREHOUSE, -1)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.adjust(WAREHOUSE, -3)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.incoming(WAREHOUSE, -1)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.stockChange(new StockSet(SKU, WAREHOUSE, 5, -1))));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.adjust(WAREHOUSE, Integer.MAX_VALUE)));
    }

    @Test
    void quantitiesOverTheMaximumAreRefusedAsInvalid() {
        f.stock(WAREHOUSE, 1_000_000_000);

        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.stock(WAREHOUSE, 1_000_000_001)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.adjust(WAREHOUSE, 1)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.incoming(WAREHOUSE, 1_000_000_001)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.stockChange(new StockSet(SKU, WAREHOUSE, 5, 1_000_000_001))));
    }

    @Test
    void aLocationIdOrSkuTheIdRuleRefusesIsRefusedAndChangesNothing() {
        assertEquals("invalid_field", f.refused(() -> f.stock("wh\u0000a", 1)).wire());
        assertEquals("invalid_field", f.refused(() -> f.stockChange(new StockSet(SKU, " wh-a", 1, null))).wire());
        assertEquals("invalid_field", f.refused(() -> f.stockChange(new StockAdjusted(SKU, WAREHOUSE, 1, "r".repeat(2_049)))).wire(),
            "the reason is held to the text limit");
        assertTrue(f.book.allStock().isEmpty());
    }

    @Test
    void anUntrackedLocationMayBeCountedBelowWhatIsAllocatedThere() {
        f.place("o-1", MANUAL, 5);
        f.allocate("o-1", DROP_SHIPPER, 5, "al-1");

        f.stock(DROP_SHIPPER, 1);

        assertEquals(List.of(1, 5, 0), physicalAllocatedIncoming(f.level(DROP_SHIPPER)));
    }

    @Test
    void anythingButAStockEventIsRefusedAsUnsupported() {
        assertEquals(RefusalCode.UNSUPPORTED, f.refused(() -> f.stockChange("ten more")));
        assertTrue(f.book.allStock().isEmpty());
    }

    @Test
    void incomingStockServesNoWaitingLine() {
        f.place("o-1", DeskFixture.SHOP, 2);
        f.stockChange(new IncomingSet(SKU, DeskFixture.OTHER_WAREHOUSE, 5, null));

        assertEquals(0, f.line("o-1").getAllocatedQuantity());
        assertTrue(f.line("o-1").getWaiting());
    }
}
