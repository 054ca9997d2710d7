package dev.allotment.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Crux's per-line status after an answer. Found by the fault suite (CI of 8121e41): an order cancelled while its
 * supplier's PUT was on its way reached the SKUs first; the answer there changed nothing, and the reply, built from a
 * projection that had not folded the cancellation yet, said "Allocated" with no confirmation in the log.
 */
class CruxStatusTest {
    private static final Instant T = Instant.parse("2026-12-07T23:00:00Z");
    private static final LineProjection LINE = LineProjection.newBuilder().setLineId("l-0").setSku("F-1").setQuantity(2)
        .setAllocatedQuantity(2).build();
    private static final OrderProjection NOT_FOLDED_YET = OrderProjection.newBuilder().setOrderId("o-93").setChannel("web")
        .setPlacedAt(T).setStatus(OrderStatus.ALLOCATED).setCreatedAt(T).setUpdatedAt(T).setLines(List.of(LINE))
        .setAllocations(List.of(AllocationProjection.newBuilder().setAllocationId("al-1@sup-c").setLocationId("sup-c")
            .setStatus("sent").setLines(List.of()).setCreatedAt(T).setRequest(true).build())).build();
    private static final CruxAllocationController.Item ACCEPTED =
        new CruxAllocationController.Item("l-0", LINE, 2, 0, 0, null, null, null, null, "sup-c", false);

    @Test
    void aLineItsSkuHoldsCancelledIsCancelledThoughTheProjectionHasNotFoldedItYet() {
        assertEquals("Cancelled", CruxAllocationController.status(NOT_FOLDED_YET, Set.of("l-0"), ACCEPTED, null));
        assertEquals("Allocated", CruxAllocationController.status(NOT_FOLDED_YET, Set.of(), ACCEPTED, null),
            "a line its SKU holds open reads as the answer left it");
        assertEquals("Cancelled", CruxAllocationController.status(OrderProjection.newBuilder(NOT_FOLDED_YET)
            .setStatus(OrderStatus.CANCELLED).build(), Set.of(), ACCEPTED, null), "an order the projection holds cancelled");
    }
}
