package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.SUPPLIER;
import static dev.allotment.streams.allocation.DeskFixture.SUPPLIER_TIMEOUT;
import static dev.allotment.streams.allocation.DeskFixture.UNTRACKED_SUPPLIER;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.site;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationOutdated;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Ledger}: the moves every flow makes on one SKU's books. Each move changes a location's allocated and the
 * line's allocated quantity together, and logs what it did. Here the moves are made one by one on a line of the manual
 * channel (nothing routes it), in a {@link Turn} of their own.
 */
class LedgerTest {
    private final DeskFixture f = new DeskFixture();
    private final Ledger ledger = f.ledger();
    private Turn t;
    private LineReservation line;

    @BeforeEach
    void aLineOfFiveAndTenInTheWarehouse() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        t = f.turn();
        line = f.line("o-1");
    }

    private LocationStock at(String location) {
        return t.stock().getLocations().get(location);
    }

    @Test
    void takingAndGivingMoveTheLocationsAllocatedAndTheLinesAllocatedQuantityTogether() {
        ledger.take(t, line, WAREHOUSE, 3);
        ledger.give(t, line, WAREHOUSE, 1);

        assertEquals(2, at(WAREHOUSE).getAllocated());
        assertEquals(10, at(WAREHOUSE).getPhysical());
        assertEquals(2, line.getAllocatedQuantity());
        assertTrue(line.getAllocations().isEmpty(), "take and give touch no part");
        assertEquals(Set.of(WAREHOUSE), t.decided().changedLocations());
        assertTrue(t.decided().events().isEmpty(), "take and give log nothing: their callers do");
    }

    @Test
    void allocatingAtADirectWarehouseAddsAPartWithoutExpiryAndLogsADirectAllocation() {
        ledger.allocateAt(t, line, site(WAREHOUSE), 2, "al-1", "manual");

        LineAllocation part = line.getAllocations().get(0);
        assertEquals(List.of("al-1", WAREHOUSE, 2, PartStatus.ALLOCATED, false),
            List.of(part.getAllocationId(), part.getLocationId(), part.getQuantity(), Parts.status(part), part.getConfirm()));
        assertNull(part.getExpiresAt());
        assertEquals(2, at(WAREHOUSE).getAllocated());
        assertEquals(2, line.getAllocatedQuantity());
        AllocationRequested requested = (AllocationRequested) t.decided().events().get(0).payload();
        assertEquals(AllocationMode.DIRECT, requested.getConfirmMode());
        assertEquals("manual", requested.getReason());
        assertEquals(2, requested.getLines().get(0).getQuantity());
        assertTrue(f.book.dueExpiries(f.now().plus(SUPPLIER_TIMEOUT.multipliedBy(100)), 10).isEmpty());
    }

    @Test
    void allocatingAtAConfirmSupplierMakesARequestThatExpiresAfterTheSuppliersTimeout() {
        ledger.allocateAt(t, line, site(SUPPLIER), 2, "al-1", "auto");

        LineAllocation part = line.getAllocations().get(0);
        assertTrue(part.getConfirm());
        assertEquals(f.now().plus(SUPPLIER_TIMEOUT), part.getExpiresAt());
        AllocationRequested requested = (AllocationRequested) t.decided().events().get(0).payload();
        assertEquals(AllocationMode.CONFIRM, requested.getConfirmMode());
        assertEquals(part.getExpiresAt(), requested.getExpiresAt());
        assertEquals(List.of(new RequestExpiry(part.getExpiresAt(), DeskFixture.SKU, "o-1", DeskFixture.LINE, "al-1")),
            f.book.dueExpiries(part.getExpiresAt(), 10));
    }

    @Test
    void allocatingAgainUnderAnIdThatStillHoldsStockGrowsThatPart() {
        ledger.allocateAt(t, line, site(WAREHOUSE), 2, "al-1", "manual");
        ledger.allocateAt(t, line, site(WAREHOUSE), 1, "al-1", "manual change");

        assertEquals(1, line.getAllocations().size());
        assertEquals(3, line.getAllocations().get(0).getQuantity());
        assertEquals(3, at(WAREHOUSE).getAllocated());
        assertEquals(2, t.decided().events().size(), "each allocation is logged with its own quantity");
    }

    @Test
    void releasingAPartGivesItsStockBackAndRemovesThePartOnceItIsEmpty() {
        ledger.allocateAt(t, line, site(WAREHOUSE), 4, "al-1", "manual");
        LineAllocation part = line.getAllocations().get(0);

        ledger.release(t, line, part, 3, "manual change");
        assertEquals(1, part.getQuantity());
        assertEquals(1, at(WAREHOUSE).getAllocated());
        ledger.release(t, line, part, 1, "allocations deleted");

        assertTrue(line.getAllocations().isEmpty());
        assertEquals(0, at(WAREHOUSE).getAllocated());
        assertEquals(0, line.getAllocatedQuantity());
        List<Integer> released = t.decided().events().stream().map(e -> e.payload())
            .filter(AllocationCancelled.class::isInstance).map(e -> ((AllocationCancelled) e).getLines().get(0).getQuantity()).toList();
        assertEquals(List.of(3, 1), released);
    }

    @Test
    void completingAPartTakesItsQuantityOutOfPhysicalAndAllocatedAlike() {
        ledger.allocateAt(t, line, site(WAREHOUSE), 4, "al-1", "manual");
        LineAllocation part = line.getAllocations().get(0);

        ledger.complete(t, line, part, f.now());

        assertEquals(6, at(WAREHOUSE).getPhysical());
        assertEquals(0, at(WAREHOUSE).getAllocated());
        assertEquals(PartStatus.COMPLETED, Parts.status(part));
        assertEquals(f.now(), part.getCompletedAt());
        assertEquals(4, line.getAllocatedQuantity(), "completed units stay allocated to the line");
        assertTrue(t.decided().events().get(1).payload() instanceof AllocationCompleted);
    }

    @Test
    void outdatingARequestThatHoldsStockGivesItBackAndLogsItsState() {
        ledger.allocateAt(t, line, site(SUPPLIER), 2, "al-1", "auto");
        LineAllocation part = line.getAllocations().get(0);

        ledger.outdate(t, line, List.of(part));

        assertEquals(PartStatus.OUTDATED, Parts.status(part));
        assertFalse(Parts.holds(part));
        assertEquals(0, at(SUPPLIER).getAllocated());
        assertEquals(0, line.getAllocatedQuantity());
        AllocationOutdated outdated = (AllocationOutdated) t.decided().events().get(1).payload();
        assertEquals("outdated", outdated.getStates().get(0).getStatus());
        assertEquals(0, outdated.getStates().get(0).getLineAllocatedQuantity());
    }

    @Test
    void aLineWhoseUnitsAreAllFinalOutdatesItsTimedOutRequests() {
        ledger.allocateAt(t, line, site(UNTRACKED_SUPPLIER), 5, "al-1", "auto");
        LineAllocation timedOut = line.getAllocations().get(0);
        ledger.give(t, line, UNTRACKED_SUPPLIER, 5);
        Parts.setStatus(timedOut, PartStatus.TIMED_OUT);

        ledger.allocateAt(t, line, site(WAREHOUSE), 4, "al-2", "re-route");
        assertEquals(PartStatus.TIMED_OUT, Parts.status(timedOut), "4 of 5 final: the timed-out request may still be confirmed");
        ledger.allocateAt(t, line, site(WAREHOUSE), 1, "al-3", "re-route");

        assertEquals(PartStatus.OUTDATED, Parts.status(timedOut));
    }

    @Test
    void availabilityIsRequiredAtLocationsThatTrackStockOnly() {
        ledger.requireAvailable(t, Map.of(WAREHOUSE, 10L, UNTRACKED_SUPPLIER, 1_000L), "to test");

        Refusal refusal = assertThrows(Refusal.class, () -> ledger.requireAvailable(t, Map.of(WAREHOUSE, 11L), "to test"));
        assertEquals(RefusalCode.INSUFFICIENT_STOCK, refusal.code());
        assertTrue(refusal.getMessage().startsWith("only 10 of S1 available at wh-a; 11 needed"), refusal.getMessage());
    }
}
