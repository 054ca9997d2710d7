package dev.allotment.streams.order;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderLineAdded;
import dev.allotment.events.OrderLineCancelled;
import dev.allotment.events.OrderLineChanged;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.streams.allocation.Refusal;
import dev.allotment.streams.allocation.RefusalCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of editing a placed order (OrderLineAdded, OrderLineChanged, OrderLineCancelled), as pure functions over
 * its projection: the HTTP edge answers with them before it publishes, and the order's partition applies them again
 * to what comes straight from Kafka. The line's own partition decides the edit's effect (what is released, routed or
 * waits) and logs it; a race the projection cannot see (a completion on the way) is refused there.
 */
public final class OrderEdits {
    private OrderEdits() {}

    /** The line an edit names. */
    public static String lineId(Object edit) {
        if (edit instanceof OrderLineAdded added) {
            return added.getLine().getLineId();
        } else if (edit instanceof OrderLineChanged changed) {
            return changed.getLineId();
        } else if (edit instanceof OrderLineCancelled cancelled) {
            return cancelled.getLineId();
        }
        throw new IllegalArgumentException("not an order edit: " + edit.getClass().getSimpleName());
    }

    /** The order an edit names. */
    public static String orderId(Object edit) {
        if (edit instanceof OrderLineAdded added) {
            return added.getOrderId();
        } else if (edit instanceof OrderLineChanged changed) {
            return changed.getOrderId();
        } else if (edit instanceof OrderLineCancelled cancelled) {
            return cancelled.getOrderId();
        }
        throw new IllegalArgumentException("not an order edit: " + edit.getClass().getSimpleName());
    }

    /** Whether {@code payload} is an order edit. */
    public static boolean isEdit(Object payload) {
        return payload instanceof OrderLineAdded || payload instanceof OrderLineChanged || payload instanceof OrderLineCancelled;
    }

    /** The id of the command the order's partition sends the line's partition for the edit in order event {@code eventId}. */
    public static String commandId(String eventId, Object edit) {
        return eventId + ":" + commandSuffix(edit);
    }

    /** What follows the order event's id in {@link #commandId}. */
    public static String commandSuffix(Object edit) {
        String kind = edit instanceof OrderLineAdded ? "add-line" : edit instanceof OrderLineChanged ? "change-line" : "cancel-line";
        return kind + ":" + lineId(edit);
    }

    /**
     * Whether the order already shows the edit: the same line added, the line cancelled, or already at that quantity.
     * (A change is checked by the edge only: on the order's partition the projection may not have folded an earlier
     * change yet, so the line's partition decides.)
     */
    public static boolean isRepeat(OrderProjection order, Object edit) {
        Optional<LineProjection> line = line(order, lineId(edit));
        if (edit instanceof OrderLineAdded added) {
            return line.filter(l -> l.getSku().equals(added.getLine().getSku()) && l.getQuantity() == added.getLine().getQuantity())
                .isPresent();
        } else if (edit instanceof OrderLineCancelled) {
            return line.filter(l -> l.getCancelledAt() != null).isPresent();
        }
        return line.filter(l -> l.getCancelledAt() == null && l.getQuantity() == ((OrderLineChanged) edit).getQuantity()).isPresent();
    }

    /** Why the order cannot take the edit, or empty; a repeat ({@link #isRepeat}) is to be checked first. */
    public static Optional<Refusal> refusal(OrderProjection order, Object edit, Limits limits) {
        List<String> problems = fieldProblems(edit);
        if (!problems.isEmpty()) {
            boolean quantity = problems.stream().allMatch(p -> p.startsWith("quantity"));
            return Optional.of(new Refusal(quantity ? RefusalCode.INVALID_QUANTITY : RefusalCode.INVALID_FIELD, String.join("; ", problems)));
        }
        if (order.getStatus() == OrderStatus.CANCELLED) {
            return refused(RefusalCode.ORDER_CANCELLED, "order " + order.getOrderId() + " is cancelled");
        }
        String lineId = lineId(edit);
        Optional<LineProjection> line = line(order, lineId);
        if (edit instanceof OrderLineAdded) {
            if (line.isPresent()) {
                return refused(RefusalCode.DUPLICATE_LINE, "order " + order.getOrderId() + " already has a line " + lineId
                    + " (of " + line.get().getSku() + ", quantity " + line.get().getQuantity() + ")");
            }
            return limits.linesProblem(order.getLines().size() + 1).map(p -> new Refusal(RefusalCode.INVALID_FIELD, "lines: " + p));
        }
        if (line.isEmpty()) {
            return refused(RefusalCode.UNKNOWN_LINE, "order " + order.getOrderId() + " has no line " + lineId);
        }
        if (line.get().getCancelledAt() != null) {
            return refused(RefusalCode.NOT_ACTIONABLE, "line " + lineId + " of order " + order.getOrderId() + " is cancelled");
        }
        if (edit instanceof OrderLineChanged changed) {
            int completed = completed(order, lineId);
            return changed.getQuantity() < completed
                ? refused(RefusalCode.ALLOCATION_COMPLETED, completed + " of line " + lineId + " are completed (shipped) already; "
                    + "the quantity cannot go below that")
                : Optional.empty();
        }
        boolean anotherOpen = order.getLines().stream().anyMatch(l -> !l.getLineId().equals(lineId) && l.getCancelledAt() == null);
        return anotherOpen ? Optional.empty() : refused(RefusalCode.NOT_ACTIONABLE, "line " + lineId
            + " is the last open line of order " + order.getOrderId() + ": cancel the order instead");
    }

    /** The order as its partition marks it the moment a line is added, so a second line of that id is refused at once. */
    public static OrderProjection withAddedLine(OrderProjection order, OrderLine line) {
        List<LineProjection> lines = new ArrayList<>(order.getLines());
        lines.add(newLine(line.getLineId(), line.getSku(), line.getQuantity()));
        return OrderProjection.newBuilder(order).setLines(lines).build();
    }

    /** A line as added to an order: nothing allocated or backordered yet. */
    static LineProjection newLine(String lineId, String sku, int quantity) {
        return LineProjection.newBuilder().setLineId(lineId).setSku(sku).setQuantity(quantity).setAllocatedQuantity(0)
            .setBackorderedQuantity(0).setCancelledAt(null).build();
    }

    /** The units of the line its allocations have completed (shipped). */
    public static int completed(OrderProjection order, String lineId) {
        int completed = 0;
        for (AllocationProjection a : order.getAllocations()) {
            for (ProjectedAllocationLine item : a.getLines()) {
                if (item.getLineId().equals(lineId) && item.getCompleted()) {
                    completed += item.getQuantity();
                }
            }
        }
        return completed;
    }

    private static List<String> fieldProblems(Object edit) {
        List<String> problems = new ArrayList<>();
        Limits.idProblem(lineId(edit)).ifPresent(p -> problems.add("line_id: " + p));
        if (edit instanceof OrderLineAdded added) {
            OrderLine line = added.getLine();
            Limits.skuProblem(line.getSku()).ifPresent(p -> problems.add("sku: " + p));
            quantityProblem(line.getQuantity()).ifPresent(problems::add);
        } else if (edit instanceof OrderLineChanged changed) {
            quantityProblem(changed.getQuantity()).ifPresent(problems::add);
            Limits.textProblem(changed.getReason()).ifPresent(p -> problems.add("reason: " + p));
        } else if (edit instanceof OrderLineCancelled cancelled) {
            Limits.textProblem(cancelled.getReason()).ifPresent(p -> problems.add("reason: " + p));
        }
        return problems;
    }

    private static Optional<String> quantityProblem(int quantity) {
        if (quantity <= 0) {
            return Optional.of("quantity: must be a whole number above 0, was " + quantity + " (cancel the line instead)");
        }
        return Limits.quantityProblem(quantity).map(p -> "quantity: " + p);
    }

    private static Optional<LineProjection> line(OrderProjection order, String lineId) {
        return order.getLines().stream().filter(l -> l.getLineId().equals(lineId)).findFirst();
    }

    private static Optional<Refusal> refused(RefusalCode code, String message) {
        return Optional.of(new Refusal(code, message));
    }
}
