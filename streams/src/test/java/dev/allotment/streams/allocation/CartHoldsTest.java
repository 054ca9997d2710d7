package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.DROP;
import static dev.allotment.streams.allocation.DeskFixture.DROP_SHIPPER;
import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SHOP;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.WEB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationRequested;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CartHolds}: checkouts hold stock before they are orders; holds and allocations never oversell together. */
class CartHoldsTest {
    private final DeskFixture f = new DeskFixture();

    private List<Integer> physicalAllocatedHeld(String location) {
        return List.of(f.level(location).getPhysical(), f.level(location).getAllocated(), f.level(location).getHeld());
    }

    @Test
    void aHoldTakesStockOutOfAvailableAtTheChannelsLocationsInRankOrder() {
        f.stock(WAREHOUSE, 2);
        f.stock(OTHER_WAREHOUSE, 5);

        f.hold("h-1", WEB, 4, 600);

        assertEquals(List.of(2, 0, 2), physicalAllocatedHeld(WAREHOUSE));
        assertEquals(List.of(5, 0, 2), physicalAllocatedHeld(OTHER_WAREHOUSE));
        assertEquals(List.of(), f.kinds(), "a hold is no decision about an order");
        assertEquals(RefusalCode.INSUFFICIENT_STOCK, f.refused(() -> f.hold("h-2", WEB, 4, 600)), "3 are left, all or nothing");
        f.place("o-1", SHOP, 4);
        assertEquals(3, f.line("o-1").getAllocatedQuantity(), "an order takes only what no hold holds");
        assertEquals(List.of(5, 3, 2), physicalAllocatedHeld(OTHER_WAREHOUSE));
    }

    @Test
    void anOrderLineNamingTheHoldConvertsItWhereItIsHeld() {
        f.stock(WAREHOUSE, 3);
        f.hold("h-1", DROP, 3, 600);

        f.placeConverting("o-1", DROP, 2, "h-1");

        AllocationRequested converted = f.decidedOne(AllocationRequested.class);
        assertEquals(List.of(WAREHOUSE, "hold h-1 converted"), List.of(converted.getLocationId(), converted.getReason()));
        assertEquals(List.of(3, 2, 0), physicalAllocatedHeld(WAREHOUSE), "the hold's third unit went back to available");
        assertTrue(f.book.cartHold(DeskFixture.SKU, "h-1").isEmpty());
        f.placeConverting("o-2", DROP, 2, "h-1");
        assertTrue(f.decided(AllocationRequested.class).stream().noneMatch(r -> r.getReason().startsWith("hold")),
            "a hold converts once; the next line naming it is routed as any other");
        assertEquals(1, f.decided(AllocationRequested.class).stream().filter(r -> r.getLocationId().equals(WAREHOUSE))
            .mapToInt(r -> r.getLines().get(0).getQuantity()).sum(), "the one left at wh-a, the rest at the drop-shipper");
    }

    @Test
    void aHoldExpiresAfterItsTimeToLiveAndWhatItHeldServesWaitingLines() {
        f.stock(OTHER_WAREHOUSE, 2);
        f.hold("h-1", SHOP, 2, 60);
        f.place("o-1", SHOP, 2);
        assertTrue(f.line("o-1").getWaiting());

        f.advance(Duration.ofSeconds(59));
        f.expire();
        assertEquals(2, f.level(OTHER_WAREHOUSE).getHeld(), "not yet");
        f.advance(Duration.ofSeconds(1));
        f.expire();

        assertEquals(List.of(2, 2, 0), physicalAllocatedHeld(OTHER_WAREHOUSE));
        assertEquals(2, f.line("o-1").getAllocatedQuantity(), "the waiting line is served from what the hold gave back");
        f.placeConverting("o-2", SHOP, 1, "h-1");
        assertEquals(0, f.line("o-2").getAllocatedQuantity(), "an expired hold converts nothing");
    }

    @Test
    void aReleasedHoldGivesBackAndTheSameHoldAgainChangesNothing() {
        f.stock(WAREHOUSE, 3);
        f.hold("h-1", DROP, 2, 600);
        f.hold("h-1", DROP, 2, 600);
        assertEquals(2, f.level(WAREHOUSE).getHeld());
        assertEquals(RefusalCode.HOLD_CONFLICT, f.refused(() -> f.hold("h-1", DROP, 3, 600)));

        f.releaseHold("h-1");
        assertEquals(List.of(3, 0, 0), physicalAllocatedHeld(WAREHOUSE));
        f.releaseHold("h-1");
        assertEquals(List.of(3, 0, 0), physicalAllocatedHeld(WAREHOUSE));
    }

    @Test
    void whatTheRulesRefuseChangesNothing() {
        f.stock(WAREHOUSE, 3);
        assertEquals(RefusalCode.INVALID_QUANTITY, f.refused(() -> f.hold("h-1", DROP, 0, 600)));
        assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.hold("h-1", DROP, 1, 0)));
        assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.hold("h-1", DROP, 1, 8 * 24 * 3600)));
        assertEquals(RefusalCode.INVALID_FIELD, f.refused(() -> f.hold("h\u0000", DROP, 1, 60)));
        assertEquals(RefusalCode.UNSUPPORTED, f.refused(() -> f.hold("h-1", MANUAL, 1, 60)), "no routing, nothing to hold");
    }

    @Test
    void aCountBelowWhatIsAllocatedAndHeldTakesHoldsBackFirstNewestFirst() {
        f.stock(WAREHOUSE, 6);
        f.hold("h-old", DROP, 2, 600);
        f.advance(Duration.ofSeconds(1));
        f.hold("h-new", DROP, 2, 600);
        f.place("o-1", MANUAL, 2);
        f.allocate("o-1", WAREHOUSE, 2, "al-1");

        f.stock(WAREHOUSE, 3);

        assertEquals(List.of(3, 2, 1), physicalAllocatedHeld(WAREHOUSE), "the newer hold went, the older kept 1, the order kept all");
        assertTrue(f.book.cartHold(DeskFixture.SKU, "h-new").isEmpty());
        assertEquals(1, f.book.cartHold(DeskFixture.SKU, "h-old").orElseThrow().getParts().get(0).getQuantity());
        f.stock(WAREHOUSE, 1);
        assertEquals(List.of(1, 1, 0), physicalAllocatedHeld(WAREHOUSE));
        assertEquals(1, f.decidedOne(AllocationCancelled.class).getLines().get(0).getQuantity(), "then the allocation gave way");
        assertEquals(List.of(0, 0, 0), List.of(f.level(DROP_SHIPPER).getPhysical(), f.level(DROP_SHIPPER).getAllocated(),
            f.level(DROP_SHIPPER).getHeld()), "nothing is held where stock is not tracked");
    }
}
