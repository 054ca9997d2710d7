package dev.allotment.streams.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationProjection;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.AllocationSent;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.ReservationCancelled;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderFold}: the decisions taken on the lines' SKU partitions come back as events and are folded, in order, into
 * the order's projection: its lines' allocated quantities, its allocations and requests with their statuses, and the
 * order's status. Here an order of one line of 3.
 */
class OrderFoldTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String SKU = "S1";
    private static final OrderProjection RESERVED = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-1")
        .setChannel("web").setPriority(0).setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", SKU, 3))).build(), T0);
    private int events;

    /**
     * The projection after each payload in turn, one second apart; each fold leaves the projection it was given as it
     * was (readers on other threads hold it: copy on write).
     */
    private OrderProjection fold(OrderProjection order, Object... payloads) {
        OrderProjection folded = order;
        for (Object payload : payloads) {
            String given = folded.toString();
            OrderProjection next = OrderFold.apply(folded, event(payload)).orElse(folded);
            assertEquals(given, folded.toString(), () -> "folding " + payload + " changed the projection it was given");
            folded = next;
        }
        return folded;
    }

    private AllocationEvent event(Object payload) {
        events++;
        return AllocationEvent.newBuilder().setEventId("e-" + events).setOccurredAt(T0.plusSeconds(events)).setOrderId("o-1")
            .setPayload(payload).build();
    }

    private static AllocationRequested requested(String allocationId, String location, AllocationMode mode, int quantity) {
        return AllocationRequested.newBuilder().setAllocationId(allocationId).setLocationId(location).setConfirmMode(mode)
            .setLines(List.of(new AllocatedLine("l-1", SKU, quantity)))
            .setExpiresAt(mode == AllocationMode.CONFIRM ? T0.plus(Duration.ofHours(1)) : null).build();
    }

    /** The state of line l-1 of a request as its SKU's partition decided it. */
    private static RequestLineState state(String status, int quantity, int lineAllocated) {
        return RequestLineState.newBuilder().setLineId("l-1").setSku(SKU).setQuantity(quantity).setStatus(status)
            .setLineAllocatedQuantity(lineAllocated).build();
    }

    private static LineProjection line(OrderProjection order) {
        return order.getLines().get(0);
    }

    private static AllocationProjection allocation(OrderProjection order, String id) {
        return order.getAllocations().stream().filter(a -> a.getAllocationId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aRequestedAllocationRaisesTheLinesAllocatedQuantityAndTheOrdersStatus() {
        OrderProjection partly = fold(RESERVED, requested("al-1", "wh-a", AllocationMode.DIRECT, 2));

        assertEquals(2, line(partly).getAllocatedQuantity());
        assertEquals(OrderStatus.PARTIALLY_ALLOCATED, partly.getStatus());
        assertEquals(List.of("allocated", false), List.of(allocation(partly, "al-1").getStatus(), allocation(partly, "al-1").getRequest()));
        assertEquals(2, partly.getVersion());

        OrderProjection whole = fold(partly, requested("al-2", "wh-b", AllocationMode.DIRECT, 1));

        assertEquals(OrderStatus.ALLOCATED, whole.getStatus());
        assertEquals(3, line(whole).getAllocatedQuantity());
        assertEquals(T0.plusSeconds(2), whole.getUpdatedAt());
    }

    @Test
    void demandWaitingForStockIsBackorderedUntilItIsAllocated() {
        OrderProjection waiting = fold(RESERVED, LineBackordered.newBuilder().setLineId("l-1").setSku(SKU).setQuantity(3).build());
        assertEquals(3, line(waiting).getBackorderedQuantity());

        OrderProjection served = fold(waiting, requested("al-1", "wh-a", AllocationMode.DIRECT, 2));

        assertEquals(1, line(served).getBackorderedQuantity());
    }

    @Test
    void aConfirmedRequestTakesTheStateItsSkusPartitionDecided() {
        OrderProjection sent = fold(RESERVED, requested("al-1", "sup-c", AllocationMode.CONFIRM, 3),
            new AllocationSent("al-1", 2, List.of(state("sent", 3, 3))));
        assertEquals(List.of("sent", true, 2), List.of(allocation(sent, "al-1").getStatus(), allocation(sent, "al-1").getRequest(),
            allocation(sent, "al-1").getSendAttempts()));

        OrderProjection confirmed = fold(sent, new AllocationConfirmed("al-1", List.of(state("confirmed", 3, 3))));

        assertEquals("confirmed", allocation(confirmed, "al-1").getStatus());
        assertEquals(OrderStatus.ALLOCATED, confirmed.getStatus());
    }

    @Test
    void aRequestWhoseHeldLineIsReleasedTakesTheStatusOfWhatIsLeft() {
        // found by the overlay's property test (issue 19): the request stayed allocated, holding nothing
        OrderProjection twoLines = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-1").setChannel("web").setPriority(0)
            .setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", SKU, 3), new OrderLine("l-2", "S2", 2))).build(), T0);
        AllocationRequested both = AllocationRequested.newBuilder(requested("al-1", "sup-c", AllocationMode.CONFIRM, 3))
            .setLines(List.of(new AllocatedLine("l-1", SKU, 3), new AllocatedLine("l-2", "S2", 2))).build();
        RequestLineState outdated = RequestLineState.newBuilder().setLineId("l-2").setSku("S2").setQuantity(2).setStatus("outdated")
            .setLineAllocatedQuantity(0).build();

        OrderProjection folded = fold(twoLines, both, new dev.allotment.events.AllocationOutdated("al-1", List.of(outdated)),
            new AllocationCancelled("al-1", List.of(new AllocatedLine("l-1", SKU, 3)), "released"));

        assertEquals(List.of("outdated", 1), List.of(allocation(folded, "al-1").getStatus(), allocation(folded, "al-1").getLines().size()));
    }

    @Test
    void aSuppliersPoInvoiceAndSkuCostFoldIntoTheRequestLineAndStayWithLaterStates() {
        OrderProjection requested = fold(RESERVED, requested("al-1", "sup-c", AllocationMode.CONFIRM, 3));
        RequestLineState answered = RequestLineState.newBuilder(state("backordered", 3, 3)).setBackorderedQuantity(1)
            .setSupplierPoNumber("PO-7").setSupplierInvoiceNumber("INV-7").setSupplierSkuCost("12.50").build();

        OrderProjection backordered = fold(requested, new AllocationConfirmed("al-1", List.of(answered)),
            LineBackordered.newBuilder().setLineId("l-1").setSku(SKU).setQuantity(1).setLocationId("sup-c")
                .setAllocationId("al-1").setStates(List.of(answered)).build());

        ProjectedAllocationLine item = allocation(backordered, "al-1").getLines().get(0);
        assertEquals(List.of("PO-7", "INV-7", "12.50"), List.of(item.getSupplierPoNumber(), item.getSupplierInvoiceNumber(),
            item.getSupplierSkuCost()), "the cost's text as decided: its trailing zero kept");
        assertEquals(null, allocation(requested, "al-1").getLines().get(0).getSupplierPoNumber(), "none before the answer");
        OrderProjection confirmed = fold(backordered, new AllocationConfirmed("al-1", List.of(RequestLineState.newBuilder(answered)
            .setStatus("confirmed").setBackorderedQuantity(0).setSupplierInvoiceNumber("INV-8").build())));
        assertEquals(List.of("PO-7", "INV-8", "12.50"), List.of(allocation(confirmed, "al-1").getLines().get(0).getSupplierPoNumber(),
            allocation(confirmed, "al-1").getLines().get(0).getSupplierInvoiceNumber(),
            allocation(confirmed, "al-1").getLines().get(0).getSupplierSkuCost()));
    }

    @Test
    void aRejectedRequestReleasesItsLinesQuantity() {
        OrderProjection requested = fold(RESERVED, requested("al-1", "sup-c", AllocationMode.CONFIRM, 3));

        OrderProjection rejected = fold(requested, new AllocationRejected("al-1", List.of(new AllocatedLine("l-1", SKU, 3)),
            "rejected: out of stock", List.of(state("rejected", 3, 0))));

        assertEquals(0, line(rejected).getAllocatedQuantity());
        assertEquals(OrderStatus.RESERVED, rejected.getStatus());
        AllocationProjection request = allocation(rejected, "al-1");
        assertEquals(List.of("rejected", "rejected: out of stock"), List.of(request.getStatus(), request.getReason()));
        assertFalse(OrderFold.heldOrCompleted(request));
    }

    @Test
    void completingEveryAllocationCompletesTheOrder() {
        OrderProjection allocated = fold(RESERVED, requested("al-1", "wh-a", AllocationMode.DIRECT, 3));

        OrderProjection completed = fold(allocated, new AllocationCompleted("al-1", T0.plusSeconds(60),
            List.of(new AllocatedLine("l-1", SKU, 3))));

        assertEquals(List.of("completed", T0.plusSeconds(60)), List.of(allocation(completed, "al-1").getStatus(),
            allocation(completed, "al-1").getCompletedAt()));
        assertEquals(OrderStatus.COMPLETED, completed.getStatus());
        assertEquals(3, line(completed).getAllocatedQuantity());
    }

    @Test
    void aReleasedAllocationLeavesTheOrderAndACancellationCancelsIt() {
        OrderProjection allocated = fold(RESERVED, requested("al-1", "wh-a", AllocationMode.DIRECT, 3));

        OrderProjection released = fold(allocated, new AllocationCancelled("al-1", List.of(new AllocatedLine("l-1", SKU, 3)),
            "order cancelled: customer request"));
        assertEquals(List.of(), released.getAllocations());
        assertEquals(0, line(released).getAllocatedQuantity());
        OrderProjection cancelled = fold(released, new ReservationCancelled("customer request"));

        assertEquals(OrderStatus.CANCELLED, cancelled.getStatus());
        assertEquals("customer request", cancelled.getCancelReason());
        assertEquals(OrderStatus.CANCELLED, fold(cancelled, requested("al-2", "wh-a", AllocationMode.DIRECT, 1)).getStatus());
    }

    /**
     * A decision about one line copies that line and the allocation it changes, and shares every other line and
     * allocation with the projection before it (issue 15 defect 5: a deep copy per decision made a big order's folding
     * cost its size times its decisions).
     */
    @Test
    void aDecisionCopiesWhatItChangesAndSharesTheRest() {
        OrderProjection two = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-1").setChannel("web").setPriority(0)
            .setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", SKU, 3), new OrderLine("l-2", "S2", 1))).build(), T0);
        OrderProjection before = fold(two, requested("al-1", "wh-a", AllocationMode.DIRECT, 3),
            AllocationRequested.newBuilder(requested("al-2", "wh-b", AllocationMode.DIRECT, 1))
                .setLines(List.of(new AllocatedLine("l-2", "S2", 1))).build());

        OrderProjection after = fold(before, new AllocationCompleted("al-1", T0.plusSeconds(60), List.of(new AllocatedLine("l-1", SKU, 3))));

        assertTrue(after.getLines().get(1) == before.getLines().get(1), "l-2 is shared");
        assertTrue(allocation(after, "al-2") == allocation(before, "al-2"), "al-2 is shared");
        assertFalse(allocation(after, "al-1") == allocation(before, "al-1"), "al-1 changed: a copy");
        assertEquals("allocated", allocation(before, "al-1").getStatus(), "the one before is as it was");
        assertEquals("completed", allocation(after, "al-1").getStatus());
    }

    @Test
    void anEventForAnUnknownAllocationChangesNothing() {
        OrderProjection allocated = fold(RESERVED, requested("al-1", "sup-c", AllocationMode.CONFIRM, 3));

        for (Object unknown : List.of(new AllocationConfirmed("al-9", List.of(state("confirmed", 3, 3))),
                new AllocationRejected("al-9", List.of(), null, List.of(state("rejected", 3, 0))),
                new AllocationCancelled("al-9", List.of(new AllocatedLine("l-1", SKU, 3)), null),
                new AllocationCompleted("al-9", T0, List.of(new AllocatedLine("l-1", SKU, 3))))) {
            OrderProjection after = fold(allocated, unknown);
            assertEquals(allocated.getLines().toString(), after.getLines().toString(), unknown::toString);
            assertEquals(allocated.getAllocations().toString(), after.getAllocations().toString(), unknown::toString);
            assertEquals(allocated.getStatus(), after.getStatus(), unknown::toString);
        }
    }

    @Test
    void anEventForAnUnknownAllocationIsNotAChange() {
        OrderProjection allocated = fold(RESERVED, requested("al-1", "sup-c", AllocationMode.CONFIRM, 3));

        assertEquals(Optional.empty(), OrderFold.apply(allocated, event(new AllocationConfirmed("al-9",
            List.of(state("confirmed", 3, 3))))));
    }

    private static AllocationProjection request(String... statuses) {
        List<ProjectedAllocationLine> lines = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            boolean completed = statuses[i].equals("completed");
            lines.add(ProjectedAllocationLine.newBuilder().setLineId("l-" + i).setSku(SKU).setQuantity(1).setCompleted(completed)
                .setStatus(completed ? "confirmed" : statuses[i]).build());
        }
        return AllocationProjection.newBuilder().setAllocationId("al-1").setLocationId("sup-c").setStatus("allocated")
            .setLines(lines).setCreatedAt(T0).setRequest(true).build();
    }

    @Test
    void aRequestWithLinesInMixedStatusesHasTheStatusOfItsLeastAdvancedLine() {
        assertEquals("allocated", OrderFold.statusOf(request("confirmed", "allocated", "sent")));
        assertEquals("failed", OrderFold.statusOf(request("confirmed", "sent", "failed")));
        assertEquals("sent", OrderFold.statusOf(request("confirmed", "backordered", "sent")));
        assertEquals("backordered", OrderFold.statusOf(request("confirmed", "backordered", "rejected")));
        assertEquals("confirmed", OrderFold.statusOf(request("completed", "confirmed")));
        assertEquals("confirmed", OrderFold.statusOf(request("completed", "outdated")), "completed lines count as confirmed");
        assertEquals("completed", OrderFold.statusOf(request("completed", "completed")));
        assertEquals("timed-out", OrderFold.statusOf(request("rejected", "timed-out", "outdated")));
        assertEquals("outdated", OrderFold.statusOf(request("rejected", "outdated")));
        assertTrue(OrderFold.holds(request("rejected", "confirmed")));
        assertFalse(OrderFold.holds(request("rejected", "outdated")));
    }

    @Test
    void linesWhoseQuantitiesAddUpBeyondTheIntRangeAreNotAllocatedByOneUnit() {
        OrderProjection big = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId("o-2").setChannel("web").setPriority(0)
            .setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", SKU, 1 << 30), new OrderLine("l-2", SKU, 1 << 30))).build(), T0);
        big.getLines().get(0).setAllocatedQuantity(1);

        assertEquals(OrderStatus.PARTIALLY_ALLOCATED, OrderFold.statusOf(big));
    }

    @Test
    void editsOfALineFoldItsQuantityAndAllCancelledLinesCancelTheOrder() {
        OrderProjection waiting = fold(RESERVED, requested("al-1", "wh-a", AllocationMode.DIRECT, 1),
            LineBackordered.newBuilder().setLineId("l-1").setSku(SKU).setQuantity(2).build());

        OrderProjection smaller = fold(waiting, new dev.allotment.events.LineQuantityChanged("l-1", SKU, 2, 3, "edit"));
        assertEquals(List.of(2, 1, 1), List.of(line(smaller).getQuantity(), line(smaller).getAllocatedQuantity(),
            line(smaller).getBackorderedQuantity()), "only what still waits stays backordered");
        OrderProjection added = fold(smaller, new dev.allotment.events.LineAdded("l-2", "S2", 4));
        assertEquals(List.of("l-1", "l-2"), added.getLines().stream().map(LineProjection::getLineId).toList());
        assertEquals(OrderStatus.PARTIALLY_ALLOCATED, added.getStatus());
        assertEquals(added.getLines(), fold(added, new dev.allotment.events.LineAdded("l-2", "S2", 4)).getLines(),
            "a line already marked is not added twice");

        OrderProjection oneCancelled = fold(added, new dev.allotment.events.LineCancelled("l-2", "S2", 0, "edit"));
        LineProjection l2 = oneCancelled.getLines().get(1);
        assertEquals(List.of(0, 0), List.of(l2.getQuantity(), l2.getBackorderedQuantity()));
        assertTrue(l2.getCancelledAt() != null);
        assertFalse(oneCancelled.getStatus() == OrderStatus.CANCELLED);
        OrderProjection allCancelled = fold(oneCancelled, new dev.allotment.events.LineCancelled("l-1", SKU, 0, "edit"));
        assertEquals(OrderStatus.CANCELLED, allCancelled.getStatus(), "every line cancelled one by one: the order is");
    }
}
