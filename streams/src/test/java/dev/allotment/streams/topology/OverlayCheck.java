package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.order.OrderOverlay;
import dev.allotment.streams.state.StoreNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Issue 19: the edge answers a command from the order's projection as it was before the command (not yet folded) with
 * the order's lines laid over it as their SKUs' partitions hold them after it ({@link OrderOverlay}). This checks that
 * it is what the fold gives once it has folded the command's decisions, as every view shows it.
 */
final class OverlayCheck {
    private OverlayCheck() {}

    /**
     * Asserts that {@code before} with the lines of {@code skus} laid over it shows what the projection shows now;
     * {@code rejectedWith}, when the command was a rejection with that reason (null for none), that the edge's rule gives
     * the request's reason too. Whether the fold changed the order.
     */
    static boolean overlayIsTheFold(TopologyFixture fixture, OrderProjection before, Collection<String> skus,
                                    String commandId, boolean rejection, String rejectedWith) {
        return overlayIsTheFold(fixture, before, skus, commandId, rejection, rejectedWith, true);
    }

    /**
     * The same, over any number of decisions since {@code before}; {@code withExpiry}: whether the requests' expiries
     * compare. Over many decisions they may not: a request released in full and taken again under its id (re-routed to
     * the same location) is a new allocation with the new part's expiry to the fold, and the one it was to the overlay,
     * which sees no release. One command's decisions do not do that.
     */
    static boolean overlayIsTheFold(TopologyFixture fixture, OrderProjection before, Collection<String> skus,
                                    String commandId, boolean rejection, String rejectedWith, boolean withExpiry) {
        OrderProjection folded = fixture.order(before.getOrderId());
        List<LineReservation> held = new ArrayList<>();
        skus.forEach(sku -> held.addAll(lines(fixture, sku, before.getOrderId())));
        OrderProjection overlay = OrderOverlay.withLines(before, held, null);
        // a creation time compares where both kept the allocation: one made anew (its last item released, then a part
        // under its id) takes the decision's time in the overlay and its record's in the fold (its expiry compares)
        Set<String> known = new HashSet<>();
        before.getAllocations().stream().filter(a -> kept(folded, a) && kept(overlay, a)).forEach(a -> known.add(a.getAllocationId()));
        assertEquals(views(folded, known, withExpiry), views(overlay, known, withExpiry), () -> "the overlay of " + before.getOrderId()
            + " differs from its fold:\n  before  " + before + "\n  lines   " + held + "\n  folded  " + folded + "\n  overlay " + overlay);
        CommandOutcome outcome = commandId == null ? null : fixture.outcome(commandId);
        if (rejection && outcome != null && outcome.getAccepted() && outcome.getEvents() > 0) {
            String id = outcome.getAllocationIds().get(0);
            assertEquals(request(folded, id).getReason(), OrderOverlay.rejected(request(overlay, id), rejectedWith).getReason(),
                "the rejection's reason");
        }
        return !folded.toString().equals(before.toString());
    }

    private static boolean kept(OrderProjection order, AllocationProjection a) {
        return order.getAllocations().stream().anyMatch(o -> o.getAllocationId().equals(a.getAllocationId())
            && o.getCreatedAt().equals(a.getCreatedAt()));
    }

    private static AllocationProjection request(OrderProjection order, String id) {
        return order.getAllocations().stream().filter(a -> a.getAllocationId().equals(id)).findFirst()
            .orElseThrow(() -> new AssertionError("no request " + id + " in " + order));
    }

    static List<LineReservation> lines(TopologyFixture fixture, String sku, String orderId) {
        KeyValueStore<String, LineReservation> lines = fixture.store(StoreNames.LINE_RESERVATIONS);
        List<LineReservation> found = new ArrayList<>();
        try (KeyValueIterator<String, LineReservation> it = lines.prefixScan(BookKeys.orderPrefix(sku, orderId), new StringSerializer())) {
            it.forEachRemaining(kv -> found.add(kv.value));
        }
        return found;
    }

    /**
     * What the views show of an order, in a form that compares: its status, each line's allocated quantity, and each
     * allocation by id with its items by line (a completed item's status is hidden, as every view hides it). Send attempts
     * and reasons are the log's alone; a new allocation's creation time is the decision's, not its record's; a
     * completion time is the fold's (Envoy's answer reads it from the lines, no view built from the overlay shows it).
     */
    static Map<String, Object> views(OrderProjection o, Set<String> known, boolean withExpiry) {
        Map<String, Object> view = new TreeMap<>();
        view.put("status", o.getStatus().toString());
        o.getLines().forEach(l -> view.put("line " + l.getLineId(), l.getAllocatedQuantity()));
        for (AllocationProjection a : o.getAllocations()) {
            Map<String, Object> items = new TreeMap<>();
            for (ProjectedAllocationLine i : a.getLines()) {
                items.put(i.getLineId(), List.of(i.getSku(), i.getQuantity(), i.getCompleted() ? "completed" : i.getStatus(),
                    i.getBackorderedQuantity(), i.getRejectedQuantity(), String.valueOf(i.getBackorderDate()),
                    String.valueOf(i.getSupplierPoNumber()), String.valueOf(i.getSupplierInvoiceNumber()),
                    String.valueOf(i.getSupplierSkuCost())));
            }
            view.put("allocation " + a.getAllocationId(), List.of(a.getLocationId(), a.getStatus(), a.getRequest(),
                String.valueOf(known.contains(a.getAllocationId()) ? a.getCreatedAt() : "new"), String.valueOf(withExpiry ? a.getExpiresAt() : "-"),
                items));
        }
        return view;
    }
}
