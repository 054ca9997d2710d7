package dev.allotment.streams.allocation;

import dev.allotment.events.CancelLine;
import dev.allotment.events.ChangeLineQuantity;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineCancelled;
import dev.allotment.events.LineQuantityChanged;
import dev.allotment.events.LineReservation;
import dev.allotment.streams.order.Limits;

/**
 * A platform's edits of a placed order's line, decided on the line's own partition (its single writer): a new
 * quantity releases what is over it, newest part first, and routes or lets wait what is new; a cancelled line gives
 * back everything not yet completed. Each is logged first (LineQuantityChanged, LineCancelled), then its releases and
 * allocations, each with its reason. Completed (shipped) units stay: a quantity below them is refused.
 */
record LineEdits(SkuBook book, Ledger ledger, Router router, ManualAllocation manual) {
    void change(Turn t, String orderId, ChangeLineQuantity change) {
        LineReservation line = line(t, orderId, change.getLineId());
        int quantity = change.getQuantity();
        if (quantity <= 0 || Limits.quantityProblem(quantity).isPresent()) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "quantity must be above 0 and at most " + Limits.MAX_QUANTITY
                + ", was " + quantity);
        }
        if (line.getCancelled()) {
            throw new Refusal(RefusalCode.NOT_ACTIONABLE, "line " + line.getLineId() + " of order " + orderId + " is cancelled");
        }
        int completed = completed(line);
        if (quantity < completed) {
            throw new Refusal(RefusalCode.ALLOCATION_COMPLETED, completed + " of line " + line.getLineId()
                + " are completed (shipped) already; the quantity cannot go below that");
        }
        int previous = line.getQuantity();
        if (quantity == previous) {
            return;
        }
        String why = "line quantity changed from " + previous + " to " + quantity
            + (change.getReason() == null ? "" : ": " + change.getReason());
        t.decided().decided(orderId, new LineQuantityChanged(line.getLineId(), t.sku(), quantity, previous, change.getReason()));
        line.setQuantity(quantity);
        int over = line.getAllocatedQuantity() - quantity;
        for (LineAllocation part : line.getAllocations().stream().filter(Parts::holds).sorted(Parts.NEWEST_FIRST).toList()) {
            if (over <= 0) {
                break;
            }
            int released = Math.min(over, part.getQuantity());
            ledger.release(t, line, part, released, why);
            over -= released;
        }
        router.settle(t, line, why);   // what is new is routed, else waits; a line now whole stops waiting
    }

    void cancel(Turn t, String orderId, CancelLine cancel) {
        LineReservation line = line(t, orderId, cancel.getLineId());
        if (line.getCancelled()) {
            return;   // cancelled before: nothing is left to release
        }
        int completed = completed(line);
        t.decided().decided(orderId, new LineCancelled(line.getLineId(), t.sku(), completed, cancel.getReason()));
        manual.releaseLine(t, line, cancel.getReason() == null ? "line cancelled" : "line cancelled: " + cancel.getReason(), true);
        line.setQuantity(completed);
        ledger.endFlowIfSettled(t, line);
        book.putLine(line);
    }

    private LineReservation line(Turn t, String orderId, String lineId) {
        return book.line(t.sku(), orderId, lineId).orElseThrow(() ->
            new Refusal(RefusalCode.UNKNOWN_LINE, "order " + orderId + " has no line " + lineId + " of " + t.sku()));
    }

    private static int completed(LineReservation line) {
        return line.getAllocations().stream().filter(Parts::isCompleted).mapToInt(LineAllocation::getQuantity).sum();
    }
}
