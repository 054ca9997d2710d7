package dev.allotment.streams.allocation;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.UpdateAllocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Allocations a platform makes by hand (Veeqo POST, Envoy POST/PATCH/DELETE): allocate lines at a named location,
 * change an allocation's quantities, complete it, or release every allocation of the order (a delete, or the order's
 * cancellation). Each checks everything before it changes anything.
 */
record ManualAllocation(SkuBook book, Locations locations, Ledger ledger) {
    /** Allocates the command's lines at its location under one allocation id; refuses if any cannot be. */
    void allocate(Turn t, String commandId, String orderId, AllocateLines a) {
        Site site = locations.site(a.getLocationId()).orElseThrow(() ->
            new Refusal(RefusalCode.UNKNOWN_LOCATION, "no location " + a.getLocationId()));
        Map<String, LineReservation> touched = new LinkedHashMap<>();
        Map<String, Integer> planned = new HashMap<>();
        long total = 0;   // in long: several lines of one SKU add up past the int range
        for (LineQuantity wanted : a.getLines()) {
            if (wanted.getQuantity() <= 0) {
                throw new Refusal(RefusalCode.INVALID_QUANTITY, "quantity of " + wanted.getSku() + " must be above 0");
            }
            LineReservation line = resolve(t.sku(), orderId, wanted, planned, touched);
            int unallocated = line.getQuantity() - line.getAllocatedQuantity() - planned.getOrDefault(line.getLineId(), 0);
            if (wanted.getQuantity() > unallocated) {
                throw new Refusal(RefusalCode.OVER_QUANTITY, "line " + line.getLineId() + " of order " + orderId + " has "
                    + unallocated + " of " + line.getQuantity() + " unallocated; asked for " + wanted.getQuantity());
            }
            planned.merge(line.getLineId(), wanted.getQuantity(), Integer::sum);
            total += wanted.getQuantity();
        }
        if (site.tracksStock() && total > Ledger.available(t.stock(), site.id())) {
            throw new Refusal(RefusalCode.INSUFFICIENT_STOCK, "only " + Ledger.available(t.stock(), site.id()) + " of "
                + t.sku() + " available at " + site.id() + "; asked for " + total);
        }
        String allocationId = a.getAllocationId() != null ? a.getAllocationId() : "al-" + commandId;
        for (Map.Entry<String, Integer> p : planned.entrySet()) {
            LineReservation line = touched.get(p.getKey());
            ledger.allocateAt(t, line, site, p.getValue(), allocationId, "manual");
            if (line.getAllocatedQuantity() >= line.getQuantity()) {
                line.setWaiting(false);
            }
            book.putLine(line);
        }
    }

    /** The line a command names: by id, or the first line of the order with this SKU that has quantity left. */
    private LineReservation resolve(String sku, String orderId, LineQuantity wanted, Map<String, Integer> planned,
                                    Map<String, LineReservation> touched) {
        LineReservation line = null;
        if (wanted.getLineId() != null) {
            line = touched.containsKey(wanted.getLineId()) ? touched.get(wanted.getLineId())
                : book.line(sku, orderId, wanted.getLineId()).orElse(null);
        } else {
            for (LineReservation candidate : book.linesOfOrder(sku, orderId)) {
                LineReservation held = touched.getOrDefault(candidate.getLineId(), candidate);
                int left = held.getQuantity() - held.getAllocatedQuantity() - planned.getOrDefault(held.getLineId(), 0);
                if (held.getCancelled()) {
                    line = line == null ? held : line;   // named only when no live line is: order_cancelled below
                } else if (left > 0) {
                    line = held;
                    break;
                } else if (line == null || line.getCancelled()) {
                    line = held; // every line is full: the over_quantity check names the first
                }
            }
        }
        if (line == null) {
            throw new Refusal(RefusalCode.UNKNOWN_LINE, "order " + orderId + " has no line "
                + (wanted.getLineId() != null ? wanted.getLineId() + " " : "") + "of " + sku);
        }
        if (line.getCancelled()) {
            throw new Refusal(RefusalCode.ORDER_CANCELLED, "order " + orderId + " is cancelled");
        }
        touched.put(line.getLineId(), line);
        return line;
    }

    /** Changes an allocation's quantities and/or completes it on this SKU's lines. */
    void update(Turn t, String orderId, UpdateAllocation u) {
        List<LineReservation> lines = book.linesOfOrder(t.sku(), orderId);
        boolean found = lines.stream().anyMatch(l -> l.getAllocations().stream()
            .anyMatch(p -> p.getAllocationId().equals(u.getAllocationId())));
        if (!found) {
            throw new Refusal(RefusalCode.UNKNOWN_ALLOCATION, "order " + orderId + " has no allocation " + u.getAllocationId()
                + " of " + t.sku());
        }
        if (u.getLines() != null) {
            applyChanges(t, u.getAllocationId(), planChanges(t, u, lines));
        }
        if (u.getLocationId() != null) {
            move(t, u.getAllocationId(), u.getLocationId(), lines);
        }
        if (u.getCompletedAt() != null) {
            for (LineReservation line : lines) {
                for (LineAllocation part : line.getAllocations()) {
                    if (part.getAllocationId().equals(u.getAllocationId()) && Parts.holds(part)) {
                        ledger.complete(t, line, part, u.getCompletedAt());
                    }
                }
                ledger.endFlowIfSettled(t, line);   // completing a request confirms it
                book.putLine(line);
            }
        }
    }

    /**
     * Moves the allocation's parts on this SKU to {@code locationId} (Envoy's {@code allocations[].location}): each holding
     * part is released where it is and taken there under the same allocation id, in this one decision, so no reader sees
     * the stock at both places or at neither. Refused, changing nothing, when the location is unknown, lacks the stock, or
     * a part cannot move: completed (it has left its location) or a supplier's request (answered where it was sent).
     */
    private void move(Turn t, String allocationId, String locationId, List<LineReservation> lines) {
        Site site = locations.site(locationId).orElseThrow(() ->
            new Refusal(RefusalCode.UNKNOWN_LOCATION, "no location " + locationId));
        List<Change> moving = new ArrayList<>();
        long total = 0;
        for (LineReservation line : lines) {
            for (LineAllocation part : line.getAllocations()) {
                if (!part.getAllocationId().equals(allocationId) || part.getLocationId().equals(locationId)) {
                    continue;
                }
                if (PartStatus.of(part.getStatus()) == PartStatus.COMPLETED) {
                    throw new Refusal(RefusalCode.ALLOCATION_COMPLETED, "allocation " + allocationId + " of " + t.sku()
                        + " is completed at " + part.getLocationId() + " and cannot move");
                }
                if (part.getConfirm()) {
                    throw new Refusal(RefusalCode.NOT_ACTIONABLE, "allocation " + allocationId + " of " + t.sku() + " is a "
                        + "request sent to " + part.getLocationId() + "; it is answered there, not moved");
                }
                if (Parts.holds(part)) {
                    moving.add(new Change(line, part, part.getQuantity()));
                    total += part.getQuantity();
                }
            }
        }
        if (site.tracksStock() && total > Ledger.available(t.stock(), site.id())) {
            throw new Refusal(RefusalCode.INSUFFICIENT_STOCK, "only " + Ledger.available(t.stock(), site.id()) + " of "
                + t.sku() + " available at " + site.id() + "; moving allocation " + allocationId + " needs " + total);
        }
        for (Change m : moving) {
            String from = m.part().getLocationId();
            ledger.release(t, m.line(), m.part(), m.delta(), "moved to " + locationId);
            ledger.allocateAt(t, m.line(), site, m.delta(), allocationId, "moved from " + from);
            book.putLine(m.line());
        }
    }

    /** One part's change of quantity. */
    private record Change(LineReservation line, LineAllocation part, int delta) {}

    /** What the update changes of each part, checked as a whole before anything is applied. */
    private List<Change> planChanges(Turn t, UpdateAllocation u, List<LineReservation> lines) {
        List<Change> changes = new ArrayList<>();
        long increase = 0;
        String locationId = null;
        for (LineQuantity wanted : u.getLines()) {
            if (wanted.getQuantity() < 0) {
                throw new Refusal(RefusalCode.INVALID_QUANTITY, "quantity of " + wanted.getSku() + " must not be negative");
            }
            Change change = changeOf(u.getAllocationId(), wanted, lines);
            if (changes.stream().anyMatch(c -> c.part() == change.part())) {   // each entry is checked against the part as it is
                throw new Refusal(RefusalCode.DUPLICATE_LINE, "the change names " + wanted.getSku() + " of allocation "
                    + u.getAllocationId() + " (line " + change.line().getLineId() + ") more than once");
            }
            LineReservation line = change.line();
            if (change.delta() > line.getQuantity() - line.getAllocatedQuantity()) {
                throw new Refusal(RefusalCode.OVER_QUANTITY, "line " + line.getLineId() + " has " + (line.getQuantity()
                    - line.getAllocatedQuantity()) + " unallocated; the change asks for " + change.delta() + " more");
            }
            increase += Math.max(0, change.delta());
            locationId = change.part().getLocationId();
            changes.add(change);
        }
        if (increase > 0 && ledger.tracksStock(locationId) && increase > Ledger.available(t.stock(), locationId)) {
            throw new Refusal(RefusalCode.INSUFFICIENT_STOCK, "only " + Ledger.available(t.stock(), locationId) + " of "
                + t.sku() + " available at " + locationId + "; the change needs " + increase);
        }
        return changes;
    }

    /** The part of the allocation that {@code wanted} names (its line by id, else the first with the allocation). */
    private static Change changeOf(String allocationId, LineQuantity wanted, List<LineReservation> lines) {
        LineReservation line = null;
        LineAllocation part = null;
        for (LineReservation l : lines) {
            if (wanted.getLineId() != null && !wanted.getLineId().equals(l.getLineId())) {
                continue;
            }
            for (LineAllocation p : l.getAllocations()) {
                if (p.getAllocationId().equals(allocationId) && part == null && (Parts.holds(p) || Parts.isCompleted(p))) {
                    line = l;
                    part = p;
                }
            }
        }
        if (part == null) {
            throw new Refusal(RefusalCode.UNKNOWN_LINE, "allocation " + allocationId + " has no item " + wanted.getSku()
                + (wanted.getLineId() == null ? "" : " on line " + wanted.getLineId()));
        }
        if (!Parts.holds(part)) {
            throw new Refusal(RefusalCode.ALLOCATION_COMPLETED, "allocation " + allocationId + " is " + part.getStatus()
                + " and can no longer change");
        }
        return new Change(line, part, wanted.getQuantity() - part.getQuantity());
    }

    private void applyChanges(Turn t, String allocationId, List<Change> changes) {
        for (Change c : changes) {
            if (c.delta() > 0) {
                Site site = locations.site(c.part().getLocationId())
                    .orElse(new Site(c.part().getLocationId(), !c.part().getConfirm(), true));
                ledger.allocateAt(t, c.line(), site, c.delta(), allocationId, "manual change");
            } else if (c.delta() < 0) {
                ledger.release(t, c.line(), c.part(), -c.delta(), "manual change");
            }
            if (c.line().getAllocatedQuantity() >= c.line().getQuantity()) {   // raised by hand to the whole line
                c.line().setWaiting(false);
            }
            book.putLine(c.line());
        }
    }

    /**
     * Releases every allocation of the order on this SKU's lines: a request still open is outdated (its supplier can no
     * longer confirm it), anything else holding stock is cancelled; the lines stop waiting, and are cancelled with the order.
     */
    void releaseAll(Turn t, String orderId, String reason, boolean cancelLines) {
        for (LineReservation line : book.linesOfOrder(t.sku(), orderId)) {
            releaseLine(t, line, reason, cancelLines);
            book.putLine(line);
        }
    }

    /**
     * Releases what the line holds (a request not yet final is outdated, so its supplier is told) and stops it waiting;
     * the caller stores it.
     */
    void releaseLine(Turn t, LineReservation line, String reason, boolean cancel) {
        for (LineAllocation part : List.copyOf(line.getAllocations())) {
            if (part.getConfirm() && !Parts.isFinal(part) && (Parts.holds(part) || Parts.isShadow(part))) {
                ledger.outdate(t, line, List.of(part));
            } else if (Parts.holds(part)) {
                ledger.release(t, line, part, part.getQuantity(), reason);
            }
        }
        line.setWaiting(false);
        if (cancel) {
            line.setCancelled(true);
        }
    }
}
