package dev.allotment.streams.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * Where each order's reservation is in the decision log, folded by this task and not yet written to the order's record.
 * An order's reservation changes nothing the order shows, so writing its position at once cost the order a record of
 * its own (a third of a record per order line); held here, it rides with the order's next write, its lines' first
 * decisions, mostly a commit or two later. What no write took within one to two {@link #turn turns} is handed out to be
 * written alone, so the task holds a few seconds of orders at most.
 *
 * <p>Kept in memory only: a task that stops or moves loses what it held. Nothing is lost with it: an order whose
 * reservation is held was placed with a mark that says after which offset it is ({@link
 * dev.allotment.streams.order.OrderFold#reservationAfter}), no more than {@link
 * dev.allotment.streams.state.DecisionLog#RESERVATION_SEARCH} offsets before it (else it is not held), and a history
 * read looks for it there until a write replaces the mark.
 */
final class HeldReservations {
    private Map<String, Long> current = new HashMap<>();
    private Map<String, Long> older = new HashMap<>();

    void hold(String orderId, long offset) {
        older.remove(orderId);
        current.put(orderId, offset);
    }

    /** The offset held for the order, no longer held; -1 when none is. */
    long take(String orderId) {
        Long offset = current.remove(orderId);
        if (offset == null) {
            offset = older.remove(orderId);
        }
        return offset == null ? -1 : offset;
    }

    /** Hands out what was held since before the previous turn, to be written alone, and forgets it; the rest waits a turn. */
    void turn(ObjLongConsumer<String> write) {
        Map<String, Long> due = older;
        older = current;
        current = new HashMap<>();
        due.forEach(write::accept);
    }

    int size() {
        return current.size() + older.size();
    }

    void clear() {
        current.clear();
        older.clear();
    }
}
