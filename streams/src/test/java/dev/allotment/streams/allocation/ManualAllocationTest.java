package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.DROP_SHIPPER;
import static dev.allotment.streams.allocation.DeskFixture.LINE;
import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static dev.allotment.streams.allocation.DeskFixture.SUPPLIER;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.StockSet;
import dev.allotment.events.UpdateAllocation;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ManualAllocation}: a platform allocates an order's lines at a location it names (Veeqo POST, Envoy POST),
 * changes an allocation's quantities or completes it (Envoy PATCH), deletes every allocation of the order (Envoy
 * DELETE), or cancels the order. Everything is checked before anything changes.
 */
class ManualAllocationTest {
    private final DeskFixture f = new DeskFixture();

    @BeforeEach
    void anOrderOfFiveAndTenInTheWarehouse() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
    }

    @Test
    void aLineIsAllocatedByHandAtTheNamedLocationUnderTheCommandsAllocationId() {
        f.allocate("o-1", WAREHOUSE, 3, "al-m1");

        assertEquals(List.of("al-m1"), f.allocationIds("o-1"));
        assertEquals(3, f.line("o-1").getAllocatedQuantity());
        assertEquals(7, f.available(WAREHOUSE));
        assertEquals("manual", f.decidedOne(AllocationRequested.class).getReason());
    }

    @Test
    void moreThanTheLineHasUnallocatedOrMoreThanTheLocationHasIsRefusedAndChangesNothing() {
        f.stock(WAREHOUSE, 2);

        assertEquals(RefusalCode.OVER_QUANTITY, f.refused(() -> f.allocate("o-1", WAREHOUSE, 6, "al-m1")));
        assertEquals(RefusalCode.INSUFFICIENT_STOCK, f.refused(() -> f.allocate("o-1", WAREHOUSE, 3, "al-m1")));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.allocate("o-1", WAREHOUSE, 0, "al-m1")));
        f.allocate("o-1", DROP_SHIPPER, 5, "al-m2");   // nothing limits an untracked location
        assertEquals(5, f.line("o-1").getAllocatedQuantity());
    }

    @Test
    void anUnknownLocationOrLineIsRefusedAndChangesNothing() {
        assertEquals(RefusalCode.UNKNOWN_LOCATION, f.refused(() -> f.allocate("o-1", "wh-nowhere", 1, "al-m1")));
        assertEquals(RefusalCode.UNKNOWN_LINE, f.refused(() -> f.allocate("o-2", WAREHOUSE, 1, "al-m1")));
        assertEquals(RefusalCode.UNKNOWN_LINE, f.refused(() -> f.command("o-1",
            new AllocateLines(WAREHOUSE, List.of(new LineQuantity("l-9", SKU, 1)), "al-m1"))));
    }

    @Test
    void movingAnAllocationReleasesItWhereItIsAndTakesItAtTheNewLocationInOneDecision() {
        f.stock(OTHER_WAREHOUSE, 4);
        f.allocate("o-1", WAREHOUSE, 3, "al-m1");

        f.move("o-1", "al-m1", OTHER_WAREHOUSE);

        assertEquals(List.of("AllocationCancelled", "AllocationRequested"), f.kinds(), "released, then taken, in one decision");
        assertEquals(0, f.allocated(WAREHOUSE));
        assertEquals(3, f.allocated(OTHER_WAREHOUSE));
        assertEquals(OTHER_WAREHOUSE, f.part("o-1", "al-m1").getLocationId(), "the same allocation id, at its new place");
        assertEquals(3, f.line("o-1").getAllocatedQuantity(), "the line keeps what it had");
        assertEquals("moved to " + OTHER_WAREHOUSE, f.decidedOne(AllocationCancelled.class).getReason());
        AllocationRequested taken = f.decidedOne(AllocationRequested.class);
        assertEquals(OTHER_WAREHOUSE, taken.getLocationId());
        assertEquals("moved from " + WAREHOUSE, taken.getReason());
    }

    @Test
    void aMoveTheNewLocationCannotHoldOrToNowhereIsRefusedAndChangesNothing() {
        f.stock(OTHER_WAREHOUSE, 2);
        f.allocate("o-1", WAREHOUSE, 3, "al-m1");

        assertEquals(RefusalCode.INSUFFICIENT_STOCK, f.refused(() -> f.move("o-1", "al-m1", OTHER_WAREHOUSE)));
        assertEquals(RefusalCode.UNKNOWN_LOCATION, f.refused(() -> f.move("o-1", "al-m1", "wh-nowhere")));
        assertEquals(3, f.allocated(WAREHOUSE));
        assertEquals(0, f.allocated(OTHER_WAREHOUSE));
        f.complete("o-1", "al-m1");
        assertEquals(RefusalCode.ALLOCATION_COMPLETED, f.refused(() -> f.move("o-1", "al-m1", DROP_SHIPPER)));
    }

    @Test
    void changingAnAllocationsQuantityTakesOrGivesStockAtItsLocation() {
        f.allocate("o-1", WAREHOUSE, 3, "al-m1");

        f.change("o-1", "al-m1", 5);
        assertEquals(5, f.allocated(WAREHOUSE));
        assertEquals(5, f.part("o-1", "al-m1").getQuantity());
        f.change("o-1", "al-m1", 1);

        assertEquals(1, f.allocated(WAREHOUSE));
        assertEquals(1, f.line("o-1").getAllocatedQuantity());
        assertEquals(4, f.decidedOne(AllocationCancelled.class).getLines().get(0).getQuantity());
        assertEquals(RefusalCode.OVER_QUANTITY, f.refused(() -> f.change("o-1", "al-m1", 6)));
        assertEquals(RefusalCode.UNKNOWN_ALLOCATION, f.refused(() -> f.change("o-1", "al-nope", 1)));
    }

    @Test
    void completingAnAllocationTakesItOutOfTheWarehouseAndItCanNoLongerChange() {
        f.allocate("o-1", WAREHOUSE, 3, "al-m1");

        f.complete("o-1", "al-m1");

        assertEquals(List.of(7, 0), List.of(f.level(WAREHOUSE).getPhysical(), f.allocated(WAREHOUSE)));
        assertEquals(PartStatus.COMPLETED, f.status("o-1", "al-m1"));
        assertEquals(RefusalCode.ALLOCATION_COMPLETED, f.refused(() -> f.change("o-1", "al-m1", 2)));
    }

    @Test
    void aCommandKeyedByNoSkuOrShardIsRefusedNotThrownOn() {
        // a command published by hand with such a key: refused (dead-lettered by the processor), the book unchanged
        for (String key : List.of("a/b?c#d", "SKU#0", "SKU#x")) {
            assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.desk.command(key, "c-bad", "o-1",
                new AllocateLines(WAREHOUSE, List.of(new LineQuantity(null, key, 1)), "al-bad"), f.now())), key);
            assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.desk.stock(key, new StockSet(key, WAREHOUSE, 5, null), f.now())), key);
        }
    }

    @Test
    void completingAtALocationThatDoesNotTrackStockLeavesItsPhysicalAsCounted() {
        f.allocate("o-1", DROP_SHIPPER, 3, "al-d1");

        f.complete("o-1", "al-d1");

        assertEquals(List.of(0, 0), List.of(f.level(DROP_SHIPPER).getPhysical(), f.allocated(DROP_SHIPPER)),
            "what a drop-shipper ships is not counted stock: its physical does not go below the count");
        assertEquals(PartStatus.COMPLETED, f.status("o-1", "al-d1"));
    }

    @Test
    void deletingTheOrdersAllocationsReleasesTheirStockAndKeepsTheLine() {
        f.allocate("o-1", WAREHOUSE, 3, "al-m1");

        f.delete("o-1");

        assertEquals(0, f.allocated(WAREHOUSE));
        assertTrue(f.line("o-1").getAllocations().isEmpty());
        assertFalse(f.line("o-1").getCancelled());
        f.allocate("o-1", WAREHOUSE, 5, "al-m2");
        assertEquals(5, f.allocated(WAREHOUSE));
    }

    @Test
    void cancellingTheOrderReleasesItsStockOutdatesItsOpenRequestsAndCancelsTheLine() {
        f.stock(SUPPLIER, 10);
        f.allocate("o-1", WAREHOUSE, 2, "al-m1");
        f.allocate("o-1", SUPPLIER, 3, "al-m2");

        f.cancel("o-1");

        assertEquals(List.of(0, 0), List.of(f.allocated(WAREHOUSE), f.allocated(SUPPLIER)));
        assertEquals(List.of("al-m2"), f.line("o-1").getAllocations().stream().map(p -> p.getAllocationId()).toList());
        assertEquals(PartStatus.OUTDATED, f.status("o-1", "al-m2"), "the supplier can no longer confirm it");
        assertEquals(List.of("AllocationCancelled", "AllocationOutdated"), f.kinds());
        assertTrue(f.line("o-1").getCancelled());
        assertEquals(RefusalCode.ORDER_CANCELLED, f.refused(() -> f.command("o-1",
            new AllocateLines(WAREHOUSE, List.of(new LineQuantity(LINE, SKU, 1)), "al-m3"))));
    }

    /** Veeqo and Envoy name the SKU, not the line: the edge sends no line id, and documents 409 for a cancelled order. */
    @Test
    void allocatingBySkuOnACancelledOrderIsRefusedAsOrderCancelled() {
        f.cancel("o-1");

        assertEquals(RefusalCode.ORDER_CANCELLED, f.refused(() -> f.allocate("o-1", WAREHOUSE, 1, "al-m1")));
    }

    /** An Envoy PATCH may name one item twice (the edge passes both entries on); the change of such a PATCH. */
    private static UpdateAllocation namingTheItemTwice(int quantity) {
        return new UpdateAllocation("al-m1", List.of(new LineQuantity(null, SKU, quantity), new LineQuantity(null, SKU, quantity)), null, null);
    }

    /** Applies the change, which may be refused: refusing it is one right answer, applying it once another. */
    /** Naming one item twice is ambiguous: the change is refused as a whole, and nothing of it applied. */
    private void changeMaybeRefused(UpdateAllocation change) {
        assertEquals(RefusalCode.DUPLICATE_LINE, f.refused(() -> f.command("o-1", change)));
    }

    @Test
    void aChangeNamingTheSameItemTwiceNeverAllocatesTheLineBeyondItsQuantity() {
        f.allocate("o-1", WAREHOUSE, 4, "al-m1");

        changeMaybeRefused(namingTheItemTwice(5));

        assertTrue(f.line("o-1").getAllocatedQuantity() <= 5, () -> "line over-allocated: " + f.line("o-1"));
        assertEquals(f.part("o-1", "al-m1").getQuantity(), f.allocated(WAREHOUSE));
    }

    @Test
    void aChangeNamingTheSameItemTwiceNeverReleasesMoreThanTheAllocationHolds() {
        f.allocate("o-1", WAREHOUSE, 4, "al-m1");

        changeMaybeRefused(namingTheItemTwice(1));

        assertTrue(f.allocated(WAREHOUSE) >= 0, () -> "negative allocated: " + f.level(WAREHOUSE));
        assertTrue(f.line("o-1").getAllocations().stream().allMatch(p -> p.getQuantity() > 0), () -> "empty part: " + f.line("o-1"));
    }
}
