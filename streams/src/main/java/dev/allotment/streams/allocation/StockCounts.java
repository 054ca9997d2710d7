package dev.allotment.streams.allocation;

import dev.allotment.events.IncomingSet;
import dev.allotment.events.LocationStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockSet;
import dev.allotment.streams.order.Limits;

/**
 * Counts and adjustments of a SKU's stock at a location (StockSet, StockAdjusted, IncomingSet). A count is a fact: one
 * below what is allocated there is applied, and allocations give way by the {@link Shortfall} rule. One the HTTP edge
 * would have refused ({@link Limits}: ids, quantities, the reason's length, a negative physical) is refused, as it may
 * come straight from Kafka.
 */
record StockCounts(Shortfall shortfall) {
    /** Applies the change to the turn's stock; refuses it, changing nothing, when it breaks a rule. */
    void apply(Turn t, Object change) {
        requireId("sku", t.sku());
        if (change instanceof StockSet set) {
            requireId("location_id", set.getLocationId());
            requireQuantity("physical", set.getPhysical());
            requireNotNegative(t.sku(), set.getLocationId(), set.getPhysical());
            if (set.getIncoming() != null) {
                requireIncoming(set.getIncoming());
            }
            shortfall.countAt(t, set.getLocationId(), set.getPhysical());
            if (set.getIncoming() != null) {
                Ledger.location(t.stock(), set.getLocationId(), t.at()).setIncoming(set.getIncoming());
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
            requireNotNegative(t.sku(), adjusted.getLocationId(), physical);
            shortfall.countAt(t, adjusted.getLocationId(), (int) physical);
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

    private static void requireNotNegative(String sku, String locationId, long physical) {
        if (physical < 0) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "physical of " + sku + " at " + locationId
                + " must not be negative, was " + physical);
        }
    }
}
