package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.MANUAL;
import static dev.allotment.streams.allocation.DeskFixture.OTHER_WAREHOUSE;
import static dev.allotment.streams.allocation.DeskFixture.SHOP;
import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static dev.allotment.streams.allocation.DeskFixture.SUPPLIER_TIMEOUT;
import static dev.allotment.streams.allocation.DeskFixture.WAREHOUSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.LineQuantity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One part of a multi-SKU command on its SKU ({@link SkuDesk#prepare}, {@link SkuDesk#commit}, {@link SkuDesk#abort}):
 * prepared, it changes nothing a client sees but holds its lines and sets its stock aside, so that its group's commit
 * applies it exactly as a command, and an abort leaves the SKU as if it had never come.
 */
class PreparedPartTest {
    private final DeskFixture f = new DeskFixture();

    private static AllocateLines allocate(int quantity) {
        return new AllocateLines(WAREHOUSE, List.of(new LineQuantity(null, SKU, quantity)), "al-g");
    }

    @Test
    void aPreparedAllocationHoldsItsLineAndStockAndTheCommitAppliesIt() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        String before = f.snapshot();

        SkuDesk.Prepared p = f.desk.prepare(SKU, List.of(new SkuDesk.Part("k:a", "o-1", allocate(3))), f.now());

        assertEquals(Map.of(WAREHOUSE, 3), p.held());
        assertEquals(0, f.line("o-1").getAllocatedQuantity(), "nothing applied while prepared");
        assertEquals(7, f.available(WAREHOUSE), "its stock is set aside: nobody else can take it");
        assertEquals(RefusalCode.IN_PROGRESS, f.refused(() -> f.allocate("o-1", WAREHOUSE, 1, "al-other")),
            "another client's command on the held line waits for the group");
        assertTrue(f.book.anyHeld(SKU));

        SkuDesk.Settled settled = f.desk.commit(SKU, List.of(new SkuDesk.Part("k:a", "o-1", allocate(3))), p, f.now());
        assertNull(settled.refused());
        assertEquals(1, settled.decisions().get(0).events().stream().filter(e -> e.payload() instanceof AllocationRequested).count());
        assertEquals(3, f.line("o-1").getAllocatedQuantity());
        assertEquals(3, f.allocated(WAREHOUSE), "the stock set aside is taken once, not twice");
        assertFalse(f.book.anyHeld(SKU));
        assertTrue(!before.equals(f.snapshot()));
    }

    @Test
    void anAbortLeavesTheSkuAsIfThePartHadNeverComeAndServesWaitingLines() {
        f.stock(OTHER_WAREHOUSE, 3);
        f.place("o-1", MANUAL, 5);
        AllocateLines there = new AllocateLines(OTHER_WAREHOUSE, List.of(new LineQuantity(null, SKU, 3)), "al-g");
        SkuDesk.Prepared p = f.desk.prepare(SKU, List.of(new SkuDesk.Part("k:a", "o-1", there)), f.now());
        f.place("o-2", SHOP, 2);   // routed to wh-b alone while its stock is set aside: it waits
        assertEquals(0, f.line("o-2").getAllocatedQuantity());

        Decisions decided = f.desk.abort(SKU, p, f.now());

        assertEquals(0, f.line("o-1").getAllocatedQuantity());
        assertEquals(2, f.line("o-2").getAllocatedQuantity(), "the stock let go serves the line that waited for it");
        assertEquals(1, decided.events().stream().filter(e -> e.payload() instanceof AllocationRequested).count());
        assertEquals(1, f.available(OTHER_WAREHOUSE));
        assertFalse(f.book.anyHeld(SKU));
    }

    @Test
    void aPartThatWouldBeRefusedHoldsNothing() {
        f.stock(WAREHOUSE, 2);
        f.place("o-1", MANUAL, 5);
        assertEquals(RefusalCode.INSUFFICIENT_STOCK, f.refused(() -> f.desk.prepare(SKU, List.of(new SkuDesk.Part("k:a", "o-1", allocate(3))), f.now())));
        assertFalse(f.book.anyHeld(SKU));
    }

    @Test
    void aHeldRequestDoesNotTimeOutUntilItsGroupIsDecided() {
        String request = f.requestAtSupplier("o-1", 2);
        SkuDesk.Prepared p = f.desk.prepare(SKU, List.of(new SkuDesk.Part("k:a", "o-1", new ConfirmAllocationRequest(request))), f.now());
        f.advance(SUPPLIER_TIMEOUT.plus(Duration.ofSeconds(1)));
        f.expire();
        assertTrue(f.decided(Object.class).isEmpty(), "the held request is passed by: " + f.decided(Object.class));

        SkuDesk.Settled settled = f.desk.commit(SKU, List.of(new SkuDesk.Part("k:a", "o-1", new ConfirmAllocationRequest(request))), p, f.now());

        assertNull(settled.refused());
        assertEquals(1, settled.decisions().get(0).events().stream().filter(e -> e.payload() instanceof AllocationConfirmed).count());
        assertEquals(PartStatus.CONFIRMED, f.status("o-1", request));
    }

    /**
     * A part that changes nothing (the confirm of a request already confirmed) still holds its order's lines: a delete
     * meanwhile waits for the group, and the commit applies the part as a command (found by PreparedPartsPropertiesTest
     * seed 6012729996229587279: the delete went through and the commit refused the group).
     */
    @Test
    void aPartThatChangesNothingStillHoldsItsOrdersLinesUntilItsGroupIsDecided() {
        String request = f.requestAtSupplier("o-1", 2);
        f.confirm("o-1", request);
        SkuDesk.Part again = new SkuDesk.Part("k:a", "o-1", new ConfirmAllocationRequest(request));
        SkuDesk.Prepared p = f.desk.prepare(SKU, List.of(again), f.now());

        assertTrue(f.book.anyHeld(SKU), "held though the confirm changes nothing");
        assertEquals(RefusalCode.IN_PROGRESS, f.refused(() -> f.delete("o-1")), "another client's command waits for the group");
        SkuDesk.Settled settled = f.desk.commit(SKU, List.of(again), p, f.now());

        assertNull(settled.refused());
        assertEquals(PartStatus.CONFIRMED, f.status("o-1", request));
        assertFalse(f.book.anyHeld(SKU));
    }

    @Test
    void aCancellationIsNotHeldOffAndTheCommitThenAppliesNothing() {
        f.stock(WAREHOUSE, 10);
        f.place("o-1", MANUAL, 5);
        f.place("o-2", SHOP, 1);   // waits: nothing at wh-b
        SkuDesk.Prepared p = f.desk.prepare(SKU, List.of(new SkuDesk.Part("k:a", "o-1", allocate(3))), f.now());
        f.cancel("o-1");

        SkuDesk.Settled settled = f.desk.commit(SKU, List.of(new SkuDesk.Part("k:a", "o-1", allocate(3))), p, f.now());

        assertEquals(RefusalCode.ORDER_CANCELLED, settled.refused().code());
        assertEquals(0, f.allocated(WAREHOUSE), "the stock set aside is back");
        assertFalse(f.book.anyHeld(SKU));
    }
}
