package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.DROP_SHIPPER;
import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.IncomingSet;
import dev.allotment.events.LocationStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StockCounts}: counts (StockSet), adjustments (StockAdjusted) and incoming stock (IncomingSet) of a SKU at a
 * location, through the desk. A count is a fact, but one that would leave physical below what is allocated is refused
 * until allocations are released or completed (DESIGN §4, invariant 9).
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
    void aCountOrAnAdjustmentBelowWhatIsAllocatedIsRefusedAndChangesNothing() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        f.allocate("o-1", WAREHOUSE, 4, "al-1");

        assertEquals(RefusalCode.BELOW_ALLOCATED, f.refused(() -> f.stock(WAREHOUSE, 3)));
        assertEquals(RefusalCode.BELOW_ALLOCATED, f.refused(() -> f.adjust(WAREHOUSE, -7)));
        f.adjust(WAREHOUSE, -6);
        assertEquals(List.of(4, 4, 0), physicalAllocatedIncoming(f.level(WAREHOUSE)));
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
        f.stockChange(new IncomingSet(SKU, DeskFixture.OTHER_WAREHOUSE, 5));

        assertEquals(0, f.line("o-1").getAllocatedQuantity());
        assertTrue(f.line("o-1").getWaiting());
    }
}
