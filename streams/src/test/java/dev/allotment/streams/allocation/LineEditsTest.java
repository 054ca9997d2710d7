package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.LINE;
import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SHOP;
import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.LineAdded;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineCancelled;
import dev.allotment.events.LineQuantityChanged;
import dev.allotment.events.ReserveLine;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LineEdits}: a platform changes a placed line's quantity or cancels it; the line's partition decides the effect. */
class LineEditsTest {
    private final DeskFixture f = new DeskFixture();

    @Test
    void aLowerQuantityReleasesWhatIsOverItNewestPartFirst() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 6);
        f.allocate("o-1", WAREHOUSE, 3, "al-old");
        f.advance(Duration.ofSeconds(1));
        f.allocate("o-1", WAREHOUSE, 3, "al-new");

        f.changeLine("o-1", 2);

        assertEquals(List.of("LineQuantityChanged", "AllocationCancelled", "AllocationCancelled"), f.kinds(), "the edit is logged first");
        LineQuantityChanged changed = f.decidedOne(LineQuantityChanged.class);
        assertEquals(List.of(2, 6), List.of(changed.getQuantity(), changed.getPreviousQuantity()));
        assertEquals(List.of("al-new", "al-old"), f.decided(AllocationCancelled.class).stream().map(AllocationCancelled::getAllocationId).toList());
        assertEquals("line quantity changed from 6 to 2: customer edit", f.decided(AllocationCancelled.class).get(0).getReason());
        assertEquals(2, f.line("o-1").getQuantity());
        assertEquals(2, f.line("o-1").getAllocatedQuantity());
        assertEquals(List.of("al-old"), f.allocationIds("o-1"));
        assertEquals(2, f.allocated(WAREHOUSE));
    }

    @Test
    void aHigherQuantityIsRoutedElseWaitsAsBackorderDemand() {
        f.stock(OTHER_WAREHOUSE, 3);
        f.place("o-1", SHOP, 2);
        assertEquals(2, f.line("o-1").getAllocatedQuantity());

        f.changeLine("o-1", 5);

        assertEquals(3, f.line("o-1").getAllocatedQuantity(), "the one more that wh-b had");
        assertTrue(f.line("o-1").getWaiting());
        assertEquals(2, f.decidedOne(LineBackordered.class).getQuantity());
        f.stock(OTHER_WAREHOUSE, 10);
        assertEquals(5, f.line("o-1").getAllocatedQuantity());
        assertFalse(f.line("o-1").getWaiting());
    }

    @Test
    void aLowerQuantityCoveringWhatIsAllocatedStopsTheWait() {
        f.stock(OTHER_WAREHOUSE, 2);
        f.place("o-1", SHOP, 5);
        assertTrue(f.line("o-1").getWaiting());

        f.changeLine("o-1", 2);

        assertFalse(f.line("o-1").getWaiting());
        assertEquals(List.of("LineQuantityChanged"), f.kinds(), "nothing to release or route");
        f.stock(OTHER_WAREHOUSE, 10);
        assertEquals(2, f.line("o-1").getAllocatedQuantity(), "it is no longer served from new stock");
    }

    @Test
    void completedUnitsStayAQuantityBelowThemIsRefusedAndTheSameQuantityDecidesNothing() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        f.allocate("o-1", WAREHOUSE, 3, "al-1");
        f.complete("o-1", "al-1");

        assertEquals(RefusalCode.ALLOCATION_COMPLETED, f.refused(() -> f.changeLine("o-1", 2)));
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.changeLine("o-1", 0)));
        assertEquals(RefusalCode.UNKNOWN_LINE, f.refused(() -> f.command("o-9", new dev.allotment.events.ChangeLineQuantity(LINE, 1, null))));
        f.changeLine("o-1", 5);
        assertEquals(List.of(), f.kinds());
        f.changeLine("o-1", 3);
        assertEquals(3, f.line("o-1").getQuantity());
    }

    @Test
    void aCancelledLineGivesBackWhatIsOpenKeepsWhatIsCompletedAndOutdatesItsRequests() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 6);
        f.allocate("o-1", WAREHOUSE, 2, "al-1");
        f.complete("o-1", "al-1");
        f.allocate("o-1", WAREHOUSE, 3, "al-2");

        f.cancelLine("o-1");

        LineCancelled cancelled = f.decidedOne(LineCancelled.class);
        assertEquals(2, cancelled.getQuantity(), "what stays on the line: the completed units");
        assertEquals("line cancelled: out of season", f.decidedOne(AllocationCancelled.class).getReason());
        assertEquals(List.of(2, 2), List.of(f.line("o-1").getQuantity(), f.line("o-1").getAllocatedQuantity()));
        assertTrue(f.line("o-1").getCancelled());
        assertEquals(0, f.allocated(WAREHOUSE));
        f.cancelLine("o-1");
        assertEquals(List.of(), f.kinds(), "cancelled again: nothing left to release");
        assertEquals(RefusalCode.NOT_ACTIONABLE, f.refused(() -> f.changeLine("o-1", 4)));

        String request = f.requestAtSupplier("o-2", 2);
        f.cancelLine("o-2");
        assertEquals(request, f.decidedOne(AllocationOutdated.class).getAllocationId(), "the supplier is told its request no longer stands");
    }

    @Test
    void aLineAddedAfterThePlacementIsLoggedThenRoutedLikeAnyOther() {
        f.stock(OTHER_WAREHOUSE, 1);
        f.command("o-1", new ReserveLine("l-2", SKU, 2, SHOP, 0, f.now(), null, "al-o-1-edit", true, null));

        assertEquals("LineAdded", f.kinds().get(0));
        assertEquals(2, f.decidedOne(LineAdded.class).getQuantity());
        assertEquals(1, f.line("o-1", "l-2").getAllocatedQuantity());
        assertEquals(1, f.decidedOne(LineBackordered.class).getQuantity());
    }
}
