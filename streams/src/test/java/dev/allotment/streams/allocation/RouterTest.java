package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.LINE;
import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SHOP;
import static dev.allotment.streams.allocation.DeskFixture.SUPPLIER;
import static dev.allotment.streams.allocation.DeskFixture.SUPPLIERS;
import static dev.allotment.streams.allocation.DeskFixture.UNTRACKED_SUPPLIER;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.WEB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationRequested;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineBackordered;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link Router}: a newly reserved line is allocated at once along its channel's routing (direct locations before
 * confirm ones, each in rank order, split as stock allows); what no location can take waits as backorder demand and is
 * served first come, first served as stock arrives. Its allocation ids: a line's first part at a site is
 * {@code <base>@<site>}, a later one there {@code <base>@<site>~<n>}, so an allocation already told to a location never
 * grows behind its back.
 */
class RouterTest {
    private final DeskFixture f = new DeskFixture();

    private List<Integer> quantities(String orderId) {
        return f.line(orderId).getAllocations().stream().map(LineAllocation::getQuantity).toList();
    }

    @Test
    void aLineOnARoutedChannelIsAllocatedAtOnceAtTheFirstLocationWithStock() {
        f.stock(WAREHOUSE, 10);

        f.place("o-1", WEB, 3);

        assertEquals(List.of("al-o-1@wh-a"), f.allocationIds("o-1"));
        assertEquals(3, f.allocated(WAREHOUSE));
        assertEquals("auto: rank 1 of channel web", f.decidedOne(AllocationRequested.class).getReason());
        assertFalse(f.line("o-1").getWaiting());
    }

    @Test
    void directLocationsComeBeforeConfirmLocationsAndALineIsSplitAcrossThemInRankOrder() {
        f.stock(WAREHOUSE, 2);
        f.stock(SUPPLIER, 1);
        f.stock(OTHER_WAREHOUSE, 1);

        f.place("o-1", WEB, 6);   // web: wh-a, sup-c, wh-b, sup-e (untracked: takes the rest)

        assertEquals(List.of("al-o-1@wh-a", "al-o-1@wh-b", "al-o-1@sup-c", "al-o-1@sup-e"), f.allocationIds("o-1"));
        assertEquals(List.of(2, 1, 1, 2), quantities("o-1"));
        assertEquals(6, f.line("o-1").getAllocatedQuantity());
        assertEquals(List.of(), f.decided(LineBackordered.class));
    }

    @Test
    void thePreferredLocationOfTheWholeOrderIsTriedFirst() {
        f.stock(WAREHOUSE, 10);
        f.stock(OTHER_WAREHOUSE, 10);

        f.place("o-1", LINE, WEB, 3, 0, OTHER_WAREHOUSE);

        assertEquals(List.of("al-o-1@wh-b"), f.allocationIds("o-1"));
        assertEquals("auto: whole order at wh-b", f.decidedOne(AllocationRequested.class).getReason());
    }

    @Test
    void aLineNoLocationCanFillWaitsAndIsServedFirstComeFirstServedWhenStockArrives() {
        f.place("o-1", SHOP, 2);
        LineBackordered waiting = f.decidedOne(LineBackordered.class);
        assertEquals(2, waiting.getQuantity());
        assertNull(waiting.getLocationId(), "demand waiting for stock, not a supplier's backorder");
        f.advance(Duration.ofSeconds(1));
        f.place("o-2", SHOP, 2);

        f.stock(OTHER_WAREHOUSE, 3);

        assertEquals(List.of(2, 1), List.of(f.line("o-1").getAllocatedQuantity(), f.line("o-2").getAllocatedQuantity()));
        assertEquals(List.of(false, true), List.of(f.line("o-1").getWaiting(), f.line("o-2").getWaiting()));
        assertEquals(List.of("AllocationRequested", "AllocationRequested", "LineBackordered"), f.kinds());
        assertEquals("backorder filled", f.decided(AllocationRequested.class).get(0).getReason());
        assertEquals(1, f.decidedOne(LineBackordered.class).getQuantity());
    }

    @Test
    void aLineOfHigherPriorityIsServedBeforeAnEarlierOne() {
        f.place("o-1", SHOP, 2);
        f.advance(Duration.ofSeconds(1));
        f.place("o-2", LINE, SHOP, 2, 5, null);

        f.stock(OTHER_WAREHOUSE, 2);

        assertEquals(0, f.line("o-1").getAllocatedQuantity());
        assertEquals(2, f.line("o-2").getAllocatedQuantity());
    }

    @Test
    void aLineOnAChannelWithoutRoutingIsNeitherAllocatedNorWaiting() {
        f.stock(WAREHOUSE, 10);

        f.place("o-1", MANUAL, 3);
        f.stock(WAREHOUSE, 20);

        assertTrue(f.line("o-1").getAllocations().isEmpty());
        assertFalse(f.line("o-1").getWaiting());
        assertEquals(0, f.allocated(WAREHOUSE));
    }

    @Test
    void aLinesPartsRoutedAfterThePlacementAreRequestsOfTheirOwnNamedByTheLineThenTheSkusNextNumber() {
        f.place("o-1", SHOP, 3);

        f.stock(OTHER_WAREHOUSE, 1);
        f.adjust(OTHER_WAREHOUSE, 1);
        f.adjust(OTHER_WAREHOUSE, 1);

        assertEquals(List.of("al-o-1@wh-b~l-1~1", "al-o-1@wh-b~l-1~2", "al-o-1@wh-b~l-1~3"), f.allocationIds("o-1"),
            "a backorder filled later joins no request its order made when it was placed");
        assertEquals(List.of(1, 1, 1), quantities("o-1"));
    }

    @Test
    void aReRouteNeverGrowsAnAllocationAlreadyToldToASupplierNorGoesBackToOneThatDeclined() {
        f.stock(SUPPLIER, 2);
        f.place("o-1", SUPPLIERS, 5);   // sup-c takes the 2 it has, the untracked sup-e the other 3
        f.markSent("o-1", "al-o-1@sup-e");

        f.reject("o-1", "al-o-1@sup-c");

        assertEquals(List.of("al-o-1@sup-c", "al-o-1@sup-e", "al-o-1@sup-e~l-1~1"), f.allocationIds("o-1"));
        assertEquals(List.of(2, 3, 2), quantities("o-1"));
        assertEquals(PartStatus.SENT, f.status("o-1", "al-o-1@sup-e"));
        assertEquals(0, f.allocated(SUPPLIER), "sup-c declined the line: its 2 units are not offered to it again");
        assertEquals(5, f.allocated(UNTRACKED_SUPPLIER));
    }

    @Test
    void waitingLinesAreServedWhenTheStockOfEveryLocationAddsUpBeyondTheIntRange() {
        f.stock(WAREHOUSE, 1_000_000_000);
        f.stock(SUPPLIER, 1_000_000_000);
        f.place("o-1", SHOP, 1);   // shop: the other warehouse alone, which has none yet
        assertTrue(f.line("o-1").getWaiting());

        f.stock(OTHER_WAREHOUSE, 1_000_000_000);   // 3,000,000,000 available in all

        assertEquals(1, f.line("o-1").getAllocatedQuantity());
        assertFalse(f.line("o-1").getWaiting());
    }
}
