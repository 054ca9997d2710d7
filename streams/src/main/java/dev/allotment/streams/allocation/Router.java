package dev.allotment.streams.allocation;

import dev.allotment.events.HeldPart;
import dev.allotment.events.LineAdded;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.LineReservation;
import dev.allotment.events.ReserveLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Routes what is left of a line, else lets it wait (DESIGN §3): the one place that serves a newly reserved line, a
 * line re-routed after a rejection, a timeout or a supplier's answer, and the backorder fill as stock arrives. Locations
 * come from the channel's routing ({@link AllocationPlanner}); what none can take waits as backorder demand, served
 * first come, first served.
 *
 * <p>Allocation ids, one scheme. The parts a line's reservation routes to a site are {@code <base>@<site>}, where the
 * base is the order's auto-allocation id ({@code al-<order>} for lines reserved without one; a line added to the placed
 * order has a base of its own edit): an order's lines on several SKUs make one request there, each SKU's task naming its
 * parts alike without seeing the others, and a supplier's answer waits until every line has reached its SKU, so the
 * request is whole before anyone answers it. Every part routed later (a re-route, a backorder fill, a line's quantity
 * raised) is a request of its own, {@code <base>@<site>~<line>~<n>}, n from the SKU's sequence: a line lives on one SKU
 * and its id is never reused in its order, and n (all digits, after the last {@code ~}) cannot end a line id ambiguously,
 * so no other line can name a part so. A request a warehouse or supplier was told of (or answered) never grows behind
 * its back, across SKUs too; only a manual change does that, by naming the allocation.
 */
record Router(SkuBook book, Locations locations, Ledger ledger, CartHolds holds) {
    /** How many waiting lines one change of stock looks at. */
    static final int FILL_BATCH = 10_000;
    /** A placed order's line: its reservation, routed at once when its channel has routing (the preferred site first). */
    void reserve(Turn t, String orderId, ReserveLine r) {
        if (book.line(t.sku(), orderId, r.getLineId()).isPresent()) {
            return; // delivered again: the reservation exists
        }
        LineReservation line = LineReservation.newBuilder().setOrderId(orderId).setLineId(r.getLineId())
            .setSku(t.sku()).setQuantity(r.getQuantity()).setAllocatedQuantity(0).setChannel(r.getChannel())
            .setPriority(r.getPriority()).setPlacedAt(r.getPlacedAt()).setCancelled(false).setWaiting(false)
            .setAllocations(new ArrayList<>()).setDeclinedLocations(new ArrayList<>()).setAllocationBase(r.getAllocationId())
            .build();
        if (r.getAdded()) {   // added to the order after it was placed: the order's history shows it
            t.decided().decided(orderId, new LineAdded(r.getLineId(), t.sku(), r.getQuantity()));
        }
        if (r.getHoldId() != null) {
            convert(t, line, r.getHoldId());
        }
        List<Site> routing = locations.routing(r.getChannel());
        if (!routing.isEmpty()) {
            route(t, line, AllocationPlanner.candidates(routing, r.getPreferredLocation()), true, site ->
                site.id().equals(r.getPreferredLocation()) ? "auto: whole order at " + site.id()
                    : "auto: rank " + (routing.indexOf(site) + 1) + " of channel " + r.getChannel());
            waitForTheRest(t, line);
        }
        book.putLine(line);
    }

    /**
     * A line naming a cart hold: the hold ends, and what it held is allocated to the line where it was held (as much as
     * the line asks; any more goes back to available). An unknown or expired hold converts nothing: the line is routed
     * as any other.
     */
    private void convert(Turn t, LineReservation line, String holdId) {
        for (HeldPart part : holds.take(t, holdId)) {
            int take = Math.min(part.getQuantity(), line.getQuantity() - line.getAllocatedQuantity());
            Optional<Site> site = locations.site(part.getLocationId());
            if (take > 0 && site.isPresent()) {
                ledger.allocateAt(t, line, site.get(), take, allocationId(t, line, site.get(), true),
                    "hold " + holdId + " converted");
            }
        }
    }

    /**
     * After a request changed: when every unit of the line is final its timed-out requests become outdated; else
     * what is unallocated goes to the next locations of the channel's routing (skipping the ones that declined the
     * line), and waits as backorder demand when none is left.
     */
    void settle(Turn t, LineReservation line, String reason) {
        ledger.endFlowIfSettled(t, line);
        List<Site> routing = locations.routing(line.getChannel());
        int remaining = line.getQuantity() - line.getAllocatedQuantity();
        if (!line.getCancelled() && remaining > 0 && !routing.isEmpty()) {
            route(t, line, AllocationPlanner.candidates(open(line, routing), null), false, site -> reason);
            waitForTheRest(t, line);
        } else if (remaining <= 0) {
            line.setWaiting(false);
        }
        book.putLine(line);
    }

    /** Serves waiting lines, first come first served, from what is available now at locations that track stock. */
    void fill(Turn t) {
        if (ledger.totalAvailable(t.stock()) <= 0) {
            return;
        }
        for (LineReservation line : book.waiting(t.sku(), FILL_BATCH)) {
            if (ledger.totalAvailable(t.stock()) <= 0) {
                return;
            }
            if (route(t, line, stockedSites(line), false, site -> "backorder filled") > 0) {
                waitForTheRest(t, line);
                book.putLine(line);
            }
        }
    }

    /** The sites a waiting line can be filled from: its channel's routing, not declined, that track stock, in order. */
    List<Site> stockedSites(LineReservation line) {
        return open(line, AllocationPlanner.candidates(locations.routing(line.getChannel()), null))
            .stream().filter(Site::tracksStock).toList();
    }

    /**
     * Allocates what {@code candidates} can take of the line's unallocated quantity, in their order; how much.
     * {@code placed}: routed as the line is reserved, so its parts join its order's request at each site.
     */
    private int route(Turn t, LineReservation line, List<Site> candidates, boolean placed, Function<Site, String> why) {
        int allocated = 0;
        int remaining = line.getQuantity() - line.getAllocatedQuantity();
        for (Pick pick : AllocationPlanner.plan(remaining, candidates, loc -> Ledger.available(t.stock(), loc))) {
            ledger.allocateAt(t, line, pick.site(), pick.quantity(), allocationId(t, line, pick.site(), placed),
                why.apply(pick.site()));
            allocated += pick.quantity();
        }
        return allocated;
    }

    /**
     * The line waits for what is still unallocated, and the log says how much. A line already waiting keeps its date
     * until Promises moves it; one that starts waiting has none until Promises dates it this turn (a date it kept from
     * an earlier wait may be of a batch that has gone since: it was not waiting when Promises last looked).
     */
    private void waitForTheRest(Turn t, LineReservation line) {
        int remaining = line.getQuantity() - line.getAllocatedQuantity();
        if (remaining <= 0 || !line.getWaiting()) {
            line.setExpectedAt(null);
        }
        line.setWaiting(remaining > 0);
        if (remaining > 0) {
            t.decided().decided(line.getOrderId(), new LineBackordered(line.getLineId(), line.getSku(), remaining,
                null, null, null, List.of(), line.getExpectedAt()));   // the date stands until Promises moves it
        }
    }

    /** The sites of {@code routing} that have not declined the line. */
    private static List<Site> open(LineReservation line, List<Site> routing) {
        return routing.stream().filter(s -> !line.getDeclinedLocations().contains(s.id())).toList();
    }

    /** The id of a part the router gives the line at {@code site}, {@code placed} with its order or later (see the class comment). */
    private static String allocationId(Turn t, LineReservation line, Site site, boolean placed) {
        String base = line.getAllocationBase() != null ? line.getAllocationBase() : "al-" + line.getOrderId();
        String orders = base + "@" + site.id();
        if (placed && unused(line, orders)) {
            return orders;
        }
        String id;
        do {   // the sequence is the SKU's: a line it has never been used on has no part of it
            long n = t.stock().getNextSequence();
            t.stock().setNextSequence(n + 1);
            id = orders + "~" + line.getLineId() + "~" + n;
        } while (!unused(line, id));
        return id;
    }

    private static boolean unused(LineReservation line, String allocationId) {
        return line.getAllocations().stream().noneMatch(p -> p.getAllocationId().equals(allocationId));
    }
}
