package dev.allotment.streams.allocation;

import dev.allotment.events.CartHold;
import dev.allotment.events.HeldPart;
import dev.allotment.events.HoldPlaced;
import dev.allotment.events.LocationStock;
import dev.allotment.streams.order.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cart holds (POST /holds): stock a checkout takes out of {@code available} before it becomes an order, decided on
 * the SKU's partition like every allocation, so holds and orders never oversell together (DESIGN §4, invariant 9):
 * at each location {@code allocated + held <= physical}. A hold takes its quantity at the locations of its channel's
 * routing that track stock, in rank order, all of it or nothing; it ends when an order line naming it converts it
 * ({@link Router#reserve}), when it is released, or when its time to live passes (the SKU processor's punctuation).
 */
record CartHolds(SkuBook book, Ledger ledger, Locations locations) {
    /** The longest time to live a hold may ask for: a checkout, not a reservation. */
    static final Duration MAX_TTL = Duration.ofDays(7);

    /** Places the hold, or refuses it changing nothing; the same hold again changes nothing. */
    void place(Turn t, HoldPlaced h) {
        requireValid(h);
        Optional<CartHold> existing = book.cartHold(t.sku(), h.getHoldId());
        if (existing.isPresent()) {
            CartHold was = existing.get();
            if (was.getQuantity() == h.getQuantity() && was.getChannel().equals(h.getChannel())) {
                return;   // delivered again
            }
            throw new Refusal(RefusalCode.HOLD_CONFLICT, "hold " + h.getHoldId() + " of " + t.sku() + " exists with quantity "
                + was.getQuantity() + " on channel " + was.getChannel() + "; give a new hold_id");
        }
        List<Site> stocked = locations.routing(h.getChannel()).stream().filter(Site::tracksStock).toList();
        if (stocked.isEmpty()) {
            throw new Refusal(RefusalCode.UNSUPPORTED, "channel " + h.getChannel() + " routes to no location that tracks stock: "
                + "there is nothing to hold");
        }
        List<Pick> picks = AllocationPlanner.plan(h.getQuantity(), stocked, loc -> Ledger.available(t.stock(), loc));
        int found = picks.stream().mapToInt(Pick::quantity).sum();
        if (found < h.getQuantity()) {
            throw new Refusal(RefusalCode.INSUFFICIENT_STOCK, "only " + found + " of " + t.sku() + " available on channel "
                + h.getChannel() + "; " + h.getQuantity() + " asked to hold");
        }
        List<HeldPart> parts = new ArrayList<>();
        for (Pick pick : picks) {
            hold(t, pick.site().id(), pick.quantity());
            parts.add(new HeldPart(pick.site().id(), pick.quantity()));
        }
        book.putCartHold(new CartHold(h.getHoldId(), t.sku(), h.getChannel(), h.getQuantity(), parts, t.at(),
            t.at().plusSeconds(h.getTtlSeconds())));
    }

    /** Gives back what the hold of that id holds; whether there was one. */
    boolean release(Turn t, String holdId) {
        Optional<CartHold> hold = book.cartHold(t.sku(), holdId);
        hold.ifPresent(h -> giveBack(t, h));
        return hold.isPresent();
    }

    /** Ends the hold, giving back what it holds, and answers its parts: what a converting order line takes where. */
    List<HeldPart> take(Turn t, String holdId) {
        Optional<CartHold> hold = book.cartHold(t.sku(), holdId);
        hold.ifPresent(h -> giveBack(t, h));
        return hold.map(CartHold::getParts).orElse(List.of());
    }

    /** Gives back up to {@code quantity} held at the location, newest hold first (a count below what is there); how much. */
    int giveWayAt(Turn t, String locationId, int quantity) {
        int given = 0;
        List<CartHold> newestFirst = book.cartHolds(t.sku()).stream()
            .sorted(java.util.Comparator.comparing(CartHold::getCreatedAt).reversed()).toList();
        for (CartHold hold : newestFirst) {
            List<HeldPart> parts = new ArrayList<>();
            for (HeldPart part : hold.getParts()) {
                int take = part.getLocationId().equals(locationId) ? Math.min(quantity - given, part.getQuantity()) : 0;
                if (take > 0) {
                    hold(t, locationId, -take);
                    given += take;
                }
                if (part.getQuantity() > take) {
                    parts.add(new HeldPart(part.getLocationId(), part.getQuantity() - take));
                }
            }
            if (parts.isEmpty()) {
                book.removeCartHold(hold);
            } else {
                hold.setParts(parts);
                book.putCartHold(hold);
            }
            if (given == quantity) {
                break;
            }
        }
        return given;
    }

    private void giveBack(Turn t, CartHold hold) {
        hold.getParts().forEach(p -> hold(t, p.getLocationId(), -p.getQuantity()));
        book.removeCartHold(hold);
    }

    /** {@code quantity} more (or less) held at the location. */
    private static void hold(Turn t, String locationId, int quantity) {
        LocationStock s = Ledger.location(t.stock(), locationId, t.at());
        s.setHeld(s.getHeld() + quantity);
        s.setUpdatedAt(t.at());
        t.decided().stockChanged(locationId);
    }

    private static void requireValid(HoldPlaced h) {
        Limits.skuProblem(h.getSku()).ifPresent(p -> {
            throw new Refusal(RefusalCode.INVALID_FIELD, "sku: " + p);
        });
        for (String[] id : List.of(new String[] {"hold_id", h.getHoldId()}, new String[] {"channel", h.getChannel()})) {
            Limits.idProblem(id[1]).ifPresent(p -> {
                throw new Refusal(RefusalCode.INVALID_FIELD, id[0] + ": " + p);
            });
        }
        if (h.getQuantity() <= 0 || Limits.quantityProblem(h.getQuantity()).isPresent()) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "quantity must be above 0 and at most " + Limits.MAX_QUANTITY
                + ", was " + h.getQuantity());
        }
        if (h.getTtlSeconds() <= 0 || h.getTtlSeconds() > MAX_TTL.toSeconds()) {
            throw new Refusal(RefusalCode.INVALID_FIELD, "ttl_seconds must be above 0 and at most " + MAX_TTL.toSeconds()
                + ", was " + h.getTtlSeconds());
        }
    }
}
