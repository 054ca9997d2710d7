package dev.allotment.streams.allocation;

import dev.allotment.events.IncomingSet;
import dev.allotment.events.LocationStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.streams.order.Limits;

/**
 * Counts and adjustments of a SKU's stock at a location (StockSet, StockAdjusted, IncomingSet). A count that would
 * leave physical stock below what is allocated there is refused: allocations are released or completed first. So is one
 * the HTTP edge would have refused ({@link Limits}: ids, quantities, the reason's length), as it may come straight
 * from Kafka.
 */
record StockCounts(Ledger ledger) {
    /** Applies the change to the turn's stock; refuses it, changing nothing, when it breaks a rule. */
    void apply(Turn t, Object change) {
        requireId("sku", t.sku());
        if (change instanceof StockSet set) {
            requireId("location_id", set.getLocationId());
            requireQuantity("physical", set.getPhysical());
            LocationStock at = Ledger.location(t.stock(), set.getLocationId(), t.at());
            requireNotBelowAllocated(t.sku(), set.getLocationId(), at, set.getPhysical());
            if (set.getIncoming() != null) {
                requireIncoming(set.getIncoming());
            }
            at.setPhysical(set.getPhysical());
            if (set.getIncoming() != null) {
                at.setIncoming(set.getIncoming());
            }
            t.decided().stockChanged(set.getLocationId());
        } else if (change instanceof StockAdjusted adjusted) {
            requireId("location_id", adjusted.getLocationId());
            Limits.textProblem(adjusted.getReason()).ifPresent(p -> {
                throw new Refusal(RefusalCode.INVALID_FIELD, "reason: " + p);
            });
            LocationStock at = Ledger.location(t.stock(), adjusted.getLocationId(), t.at());
            long physical = (long) at.getPhysical() + adjusted.getDelta();
            requireQuantity("physical", physical);
            requireNotBelowAllocated(t.sku(), adjusted.getLocationId(), at, (int) physical);
            at.setPhysical((int) physical);
            t.decided().stockChanged(adjusted.getLocationId());
        } else if (change instanceof IncomingSet incoming) {
            requireId("location_id", incoming.getLocationId());
            requireIncoming(incoming.getIncoming());
            Ledger.location(t.stock(), incoming.getLocationId(), t.at()).setIncoming(incoming.getIncoming());
            t.decided().stockChanged(incoming.getLocationId());
        } else {
            throw new Refusal(RefusalCode.UNSUPPORTED, "not a stock event: " + change.getClass().getSimpleName());
        }
    }

    private static void requireId(String field, String id) {
        Limits.idProblem(id).ifPresent(p -> {
            throw new Refusal(RefusalCode.INVALID_FIELD, field + ": " + p);
        });
    }

    /** Refuses a quantity over {@link Limits#MAX_QUANTITY} (a negative one is refused by the callers' own rule). */
    private static void requireQuantity(String field, long quantity) {
        Limits.quantityProblem(quantity).ifPresent(p -> {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, field + " " + p);
        });
    }

    private static void requireIncoming(int incoming) {
        if (incoming < 0) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "incoming must not be negative, was " + incoming);
        }
        requireQuantity("incoming", incoming);
    }

    private void requireNotBelowAllocated(String sku, String locationId, LocationStock s, int physical) {
        if (physical < 0) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "physical of " + sku + " at " + locationId
                + " must not be negative, was " + physical);
        }
        if (ledger.tracksStock(locationId) && physical < s.getAllocated()) {
            throw new Refusal(RefusalCode.BELOW_ALLOCATED, "physical " + physical + " of " + sku + " at " + locationId
                + " would be below the " + s.getAllocated() + " allocated there; release or complete allocations first");
        }
    }
}
