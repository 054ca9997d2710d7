package dev.allotment.streams.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderLineAdded;
import dev.allotment.events.OrderLineCancelled;
import dev.allotment.events.OrderLineChanged;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.streams.allocation.RefusalCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link OrderEdits}: which edits an order can take, as the edge and the order's partition both check them. */
class OrderEditsTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final OrderProjection ORDER = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-1").setChannel("web")
        .setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", "S1", 3), new OrderLine("l-2", "S2", 1))).build(), T0);

    private static Optional<String> refused(OrderProjection order, Object edit) {
        return OrderEdits.refusal(order, edit, new Limits(2)).map(r -> r.code().wire() + ": " + r.getMessage());
    }

    @Test
    void anEditOfALineTheOrderHasIsTaken() {
        assertEquals(Optional.empty(), refused(ORDER, new OrderLineChanged("o-1", "l-1", 5, null)));
        assertEquals(Optional.empty(), refused(ORDER, new OrderLineCancelled("o-1", "l-2", "gone")));
        OrderProjection marked = OrderEdits.withAddedLine(ORDER, new OrderLine("l-9", "S9", 1));
        assertEquals(Optional.empty(), refused(marked, new OrderLineChanged("o-1", "l-9", 4, null)), "a line just added can be changed");
    }

    @Test
    void whatTheOrderCannotTakeIsRefusedWithItsCode() {
        assertEquals("unknown_line", refused(ORDER, new OrderLineChanged("o-1", "l-9", 1, null)).orElseThrow().split(":")[0]);
        assertEquals("duplicate_line", refused(ORDER, new OrderLineAdded("o-1", new OrderLine("l-1", "S3", 1))).orElseThrow().split(":")[0]);
        assertEquals("invalid_field", refused(ORDER, new OrderLineAdded("o-1", new OrderLine("l-3", "S3", 1))).orElseThrow().split(":")[0],
            "a third line is over the limit of 2");
        assertEquals("invalid_quantity", refused(ORDER, new OrderLineChanged("o-1", "l-1", 0, null)).orElseThrow().split(":")[0]);
        assertTrue(refused(ORDER, new OrderLineChanged("o-1", "l-1", 0, null)).orElseThrow().contains("cancel the line instead"));
        assertEquals("invalid_field", refused(ORDER, new OrderLineCancelled("o-1", "l-1", "r".repeat(2_049))).orElseThrow().split(":")[0]);
        OrderProjection cancelled = OrderRules.cancel(ORDER, "customer", T0);
        assertEquals("order_cancelled", refused(cancelled, new OrderLineChanged("o-1", "l-1", 2, null)).orElseThrow().split(":")[0]);
    }

    @Test
    void theLastOpenLineAndUnitsAlreadyShippedStay() {
        OrderProjection oneLeft = OrderProjection.newBuilder(ORDER).setLines(new ArrayList<>(ORDER.getLines())).build();
        oneLeft.getLines().set(1, dev.allotment.events.LineProjection.newBuilder(oneLeft.getLines().get(1)).setQuantity(0)
            .setCancelledAt(T0).build());
        assertTrue(refused(oneLeft, new OrderLineCancelled("o-1", "l-1", null)).orElseThrow().startsWith("not_actionable: line l-1 is the last open line"));
        assertTrue(refused(oneLeft, new OrderLineChanged("o-1", "l-2", 1, null)).orElseThrow().startsWith("not_actionable: line l-2"));

        OrderProjection shipped = OrderProjection.newBuilder(ORDER).setAllocations(List.of(AllocationProjection.newBuilder()
            .setAllocationId("al-1").setLocationId("wh-a").setStatus("completed").setCreatedAt(T0).setRequest(false)
            .setLines(List.of(ProjectedAllocationLine.newBuilder().setLineId("l-1").setSku("S1").setQuantity(2).setCompleted(true).build()))
            .build())).build();
        assertEquals(2, OrderEdits.completed(shipped, "l-1"));
        assertTrue(refused(shipped, new OrderLineChanged("o-1", "l-1", 1, null)).orElseThrow().startsWith("allocation_completed: 2 of line l-1"));
        assertEquals(Optional.empty(), refused(shipped, new OrderLineChanged("o-1", "l-1", 2, null)));
    }

    @Test
    void anEditNamesItsOrderAndItsLineWhateverItsKind() {
        assertEquals("o-7", OrderEdits.orderId(new OrderLineAdded("o-7", new OrderLine("l-3", "S3", 1))));
        assertEquals("o-8", OrderEdits.orderId(new OrderLineChanged("o-8", "l-1", 2, null)));
        assertEquals("o-9", OrderEdits.orderId(new OrderLineCancelled("o-9", "l-2", null)));
        assertEquals("l-3", OrderEdits.lineId(new OrderLineAdded("o-7", new OrderLine("l-3", "S3", 1))));
        assertThrows(IllegalArgumentException.class, () -> OrderEdits.orderId(new OrderLine("l-1", "S1", 1)));
    }

    @Test
    void aRepeatIsRecognisedAndCommandIdsNameTheEditAndItsLine() {
        OrderProjection marked = OrderEdits.withAddedLine(ORDER, new OrderLine("l-3", "S3", 2));
        assertTrue(OrderEdits.isRepeat(marked, new OrderLineAdded("o-1", new OrderLine("l-3", "S3", 2))));
        assertFalse(OrderEdits.isRepeat(marked, new OrderLineAdded("o-1", new OrderLine("l-3", "S3", 5))));
        assertTrue(OrderEdits.isRepeat(ORDER, new OrderLineChanged("o-1", "l-1", 3, null)));
        assertFalse(OrderEdits.isRepeat(ORDER, new OrderLineCancelled("o-1", "l-1", null)));
        assertEquals("e-1:change-line:l-1", OrderEdits.commandId("e-1", new OrderLineChanged("o-1", "l-1", 3, null)));
        assertEquals("e-1:add-line:l-3", OrderEdits.commandId("e-1", new OrderLineAdded("o-1", new OrderLine("l-3", "S3", 2))));
        assertEquals("e-1:cancel-line:l-2", OrderEdits.commandId("e-1", new OrderLineCancelled("o-1", "l-2", null)));
    }
}
