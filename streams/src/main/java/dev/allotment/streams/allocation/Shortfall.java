package dev.allotment.streams.allocation;

import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A count is a fact (DESIGN §4, invariant 9): when a location is counted (or adjusted) below what is allocated and
 * held there, cart holds give way first (newest first: {@link CartHolds#giveWayAt}), then allocations, never the count.
 * The rule, in the order allocations give way:
 * <ol>
 *   <li>lines of the lowest priority first;</li>
 *   <li>among equal priorities, the line placed last first (then the greater order id, then line id);</li>
 *   <li>within a line, its newest part at the location first.</li>
 * </ol>
 * Each part gives back no more than the shortfall: the last one may keep some. Every release says why on its
 * AllocationCancelled, and each line that gave way is then settled like a rejected request: routed to the next locations
 * of its channel, else back into waiting demand (a line of a channel without routing is left unallocated for a person
 * to allocate, as any such line is).
 *
 * <p>Stock set aside for a command over several SKUs that is being decided elsewhere is on no line yet; a count that
 * needs it is refused {@link RefusalCode#IN_PROGRESS} (for a moment: until that command is decided).
 */
record Shortfall(SkuBook book, Ledger ledger, Router router, CartHolds holds) {
    /** The order parts give way in: lowest priority, then newest line placed. */
    static final Comparator<LineReservation> GIVES_WAY_FIRST = Comparator.comparingInt(LineReservation::getPriority)
        .thenComparing(LineReservation::getPlacedAt, Comparator.reverseOrder())
        .thenComparing(LineReservation::getOrderId, Comparator.reverseOrder())
        .thenComparing(LineReservation::getLineId, Comparator.reverseOrder());

    /**
     * Makes room for {@code physical} at the location: releases what is allocated there beyond it, by the rule, and
     * settles the lines that gave way once {@code physical} is set. Does nothing when nothing is over.
     */
    void countAt(Turn t, String locationId, int physical) {
        LocationStock at = Ledger.location(t.stock(), locationId, t.at());
        if (at.getAllocated() + at.getHeld() <= physical || !ledger.tracksStock(locationId)) {
            at.setPhysical(physical);
            return;
        }
        List<LineReservation> holding = book.linesHoldingAt(t.sku(), locationId);
        long onLines = holding.stream().flatMap(l -> l.getAllocations().stream())
            .filter(p -> Parts.holds(p) && p.getLocationId().equals(locationId)).mapToLong(LineAllocation::getQuantity).sum();
        long setAside = at.getAllocated() - onLines;
        if (physical < setAside) {   // checked before anything gives way: a refusal changes nothing
            throw new Refusal(RefusalCode.IN_PROGRESS, "a command over several SKUs has set aside " + setAside + " of "
                + t.sku() + " at " + locationId + " while it is decided; count again once it is");
        }
        // cart holds give way first: a checkout is not yet an order
        holds.giveWayAt(t, locationId, Math.min(at.getHeld(), at.getAllocated() + at.getHeld() - physical));
        int over = at.getAllocated() - physical;
        if (over <= 0) {
            at.setPhysical(physical);
            return;
        }
        String why = "stock count: " + physical + " of " + t.sku() + " at " + locationId + " is below the "
            + at.getAllocated() + " allocated there";
        List<LineReservation> gaveWay = new ArrayList<>();
        for (LineReservation line : holding.stream().sorted(GIVES_WAY_FIRST).toList()) {
            if (over == 0) {
                break;
            }
            List<LineAllocation> parts = line.getAllocations().stream()
                .filter(p -> Parts.holds(p) && p.getLocationId().equals(locationId)).sorted(Parts.NEWEST_FIRST).toList();
            for (LineAllocation part : parts) {
                int quantity = Math.min(over, part.getQuantity());
                if (quantity > 0) {
                    ledger.release(t, line, part, quantity, why);
                    over -= quantity;
                }
            }
            gaveWay.add(line);
        }
        at.setPhysical(physical);
        gaveWay.sort(GIVES_WAY_FIRST.reversed());   // served again in the order they would be served
        gaveWay.forEach(line -> router.settle(t, line, "re-routed after " + why));
    }
}
