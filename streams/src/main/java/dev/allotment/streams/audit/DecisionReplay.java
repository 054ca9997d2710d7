package dev.allotment.streams.audit;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationCancelled;
import dev.allotment.events.AllocationCompleted;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.LineAdded;
import dev.allotment.events.LineCancelled;
import dev.allotment.events.LineQuantityChanged;
import dev.allotment.events.ReservationCreated;
import dev.allotment.events.ReservedLine;
import dev.allotment.streams.allocation.DecisionEvents;
import dev.allotment.streams.allocation.PartStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the decision log alone says is allocated (DESIGN §4, invariant 3): every decision of {@code allotment.allocation-events}
 * applied in log order gives each (SKU, location) its allocated quantity, each order line its quantity and allocated
 * quantity, and the completions that took stock out of each location. Plain Java over the decision events: the property
 * tests check it against the engine's state after every step, and {@code ./allotment audit} against a running engine.
 */
public final class DecisionReplay {
    /** A place stock is counted: one SKU at one location. */
    public record At(String sku, String locationId) {}

    /** An order line as the log says: quantity ordered, quantity allocated (completed units included). */
    public record Line(String orderId, String lineId, String sku, int quantity, long allocated) {}

    /** Units completed (shipped) at a place, and when the decision was taken. */
    public record Completion(At at, int quantity, Instant occurredAt) {}

    private final Map<At, Long> allocated = new HashMap<>();
    private final Map<String, Line> lines = new HashMap<>();
    /** (order, allocation id, line id) to what the part holds and where. */
    private final Map<String, Long> held = new HashMap<>();
    private final Map<String, String> locationOf = new HashMap<>();
    private final List<Completion> completions = new ArrayList<>();
    /** Decisions about a part of an allocation the log never made (no AllocationRequested before them): each described. */
    private final List<String> unmade = new ArrayList<>();

    /** Applies one decision about {@code orderId}, in log order. */
    public void apply(String orderId, Object payload, Instant occurredAt) {
        if (payload instanceof ReservationCreated created) {
            for (ReservedLine l : created.getLines()) {
                lines.putIfAbsent(lineKey(orderId, l.getLineId()), new Line(orderId, l.getLineId(), l.getSku(), l.getQuantity(), 0));
            }
            return;
        }
        if (payload instanceof LineAdded added) {
            lines.putIfAbsent(lineKey(orderId, added.getLineId()), new Line(orderId, added.getLineId(), added.getSku(), added.getQuantity(), 0));
            return;
        }
        if (payload instanceof LineQuantityChanged changed) {
            resize(orderId, changed.getLineId(), changed.getQuantity());
            return;
        }
        if (payload instanceof LineCancelled cancelled) {
            resize(orderId, cancelled.getLineId(), cancelled.getQuantity());
            return;
        }
        String allocationId = DecisionEvents.allocationIdOf(payload);
        for (RequestLineState state : DecisionEvents.statesOf(payload)) {
            // a request's line after the decision: it holds its quantity, or nothing
            long holds = PartStatus.of(state.getStatus()).holdsStock() ? state.getQuantity() : 0;
            String part = partKey(orderId, allocationId, state.getLineId());
            if (unmade(part, orderId, allocationId, state.getLineId(), payload)) {
                continue;
            }
            move(orderId, state.getLineId(), state.getSku(), locationOf.get(part), holds - held.getOrDefault(part, 0L));
            held.put(part, holds);
        }
        if (payload instanceof AllocationRequested r) {
            for (AllocatedLine l : r.getLines()) {
                String part = partKey(orderId, r.getAllocationId(), l.getLineId());
                locationOf.put(part, r.getLocationId());
                held.merge(part, (long) l.getQuantity(), Long::sum);
                move(orderId, l.getLineId(), l.getSku(), r.getLocationId(), l.getQuantity());
            }
        } else if (payload instanceof AllocationCancelled c) {
            for (AllocatedLine l : c.getLines()) {
                String part = partKey(orderId, c.getAllocationId(), l.getLineId());
                if (unmade(part, orderId, c.getAllocationId(), l.getLineId(), payload)) {
                    continue;
                }
                held.merge(part, (long) -l.getQuantity(), Long::sum);
                move(orderId, l.getLineId(), l.getSku(), locationOf.get(part), -l.getQuantity());
            }
        } else if (payload instanceof AllocationCompleted c) {
            // shipped: the units leave the location (allocated and physical), and stay allocated to their line
            for (AllocatedLine l : c.getLines()) {
                String part = partKey(orderId, c.getAllocationId(), l.getLineId());
                if (unmade(part, orderId, c.getAllocationId(), l.getLineId(), payload)) {
                    continue;
                }
                At at = new At(l.getSku(), locationOf.get(part));
                held.merge(part, (long) -l.getQuantity(), Long::sum);
                allocated.merge(at, (long) -l.getQuantity(), Long::sum);
                completions.add(new Completion(at, l.getQuantity(), occurredAt));
            }
        }
    }

    /**
     * Whether {@code part} was never made in the log read so far (no AllocationRequested of it came before), noting the
     * decision about it: the log then lacks a decision the engine's state took, and where the part's units are cannot be
     * told from the log. Seen once, when a broker's crash split one engine transaction (docs/operations.md).
     */
    private boolean unmade(String part, String orderId, String allocationId, String lineId, Object payload) {
        if (locationOf.containsKey(part)) {
            return false;
        }
        unmade.add("order " + orderId + ": " + payload.getClass().getSimpleName() + " of allocation " + allocationId
            + ", line " + lineId + ", which the decision log never made (no AllocationRequested before it)");
        return true;
    }

    /** The line's quantity after an edit of the order. */
    private void resize(String orderId, String lineId, int quantity) {
        lines.computeIfPresent(lineKey(orderId, lineId), (k, l) -> new Line(l.orderId(), l.lineId(), l.sku(), quantity, l.allocated()));
    }

    /** {@code quantity} more (or less) held for the line at the location. */
    private void move(String orderId, String lineId, String sku, String locationId, long quantity) {
        if (quantity == 0) {
            return;
        }
        allocated.merge(new At(sku, locationId), quantity, Long::sum);
        lines.computeIfPresent(lineKey(orderId, lineId), (k, l) ->
            new Line(l.orderId(), l.lineId(), l.sku(), l.quantity(), l.allocated() + quantity));
    }

    /** What the log says is allocated at each place (places it never touched are absent). */
    public Map<At, Long> allocated() {
        return Map.copyOf(allocated);
    }

    /** Decisions about allocations the log never made, in log order, each described; empty when the log is whole. */
    public List<String> unmade() {
        return List.copyOf(unmade);
    }

    /** Every order line the log reserved. */
    public Map<String, Line> lines() {
        return Map.copyOf(lines);
    }

    /** Every completion, in log order per order. */
    public List<Completion> completions() {
        return List.copyOf(completions);
    }

    public static String lineKey(String orderId, String lineId) {
        return orderId + '\u0000' + lineId;
    }

    private static String partKey(String orderId, String allocationId, String lineId) {
        return orderId + '\u0000' + allocationId + '\u0000' + lineId;
    }
}
