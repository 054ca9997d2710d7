package dev.allotment.streams.allocation;

import dev.allotment.events.IncomingBatch;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LocationStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockBatch;
import dev.allotment.events.StockSet;
import dev.allotment.streams.order.Limits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Counts and adjustments of a SKU's stock at a location (StockSet, StockAdjusted, IncomingSet). A count is a fact: one
 * below what is allocated there is applied, and allocations give way by the {@link Shortfall} rule. One the HTTP edge
 * would have refused ({@link Limits}: ids, quantities, the reason's length, a negative physical) is refused, as it may
 * come straight from Kafka. Incoming stock is a number, or dated batches adding up to it (issue 18: promise dates).
 */
record StockCounts(Shortfall shortfall) {

    /** Applies the change to the turn's stock; refuses it, changing nothing, when it breaks a rule. */
    void apply(Turn t, Object change) {
        Limits.skuProblem(t.sku()).ifPresent(p -> {
            throw new Refusal(RefusalCode.INVALID_FIELD, "sku: " + p);
        });
        if (change instanceof StockSet set) {
            requireId("location_id", set.getLocationId());
            requireQuantity("physical", set.getPhysical());
            requireNotNegative(t.sku(), set.getLocationId(), set.getPhysical());
            if (set.getIncoming() != null) {
                requireIncoming(set.getIncoming());
            }
            shortfall.countAt(t, set.getLocationId(), set.getPhysical());
            if (set.getIncoming() != null) {
                setIncoming(Ledger.location(t.stock(), set.getLocationId(), t.at()), set.getIncoming(), null);
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
            List<StockBatch> batches = batches(incoming);
            setIncoming(Ledger.location(t.stock(), incoming.getLocationId(), t.at()), incoming.getIncoming(), batches);
            t.decided().stockChanged(incoming.getLocationId());
        } else {
            throw new Refusal(RefusalCode.UNSUPPORTED, "not a stock event: " + change.getClass().getSimpleName());
        }
    }

    /**
     * A number alone (StockSet.incoming, or IncomingSet without batches) is undated: it replaces the dated batches too,
     * which would no longer add up to it.
     */
    private static void setIncoming(LocationStock at, int incoming, List<StockBatch> batches) {
        at.setIncoming(incoming);
        at.setIncomingBatches(batches);
    }

    /**
     * The IncomingSet's batches as stored, earliest first (null when it has none): each of 1..{@link Limits#MAX_QUANTITY},
     * dated, at most {@link Limits#MAX_INCOMING_BATCHES}, adding up to its {@code incoming}.
     */
    private static List<StockBatch> batches(IncomingSet incoming) {
        if (incoming.getBatches() == null) {
            return null;
        }
        if (incoming.getBatches().size() > Limits.MAX_INCOMING_BATCHES) {
            throw new Refusal(RefusalCode.INVALID_FIELD, "batches: at most " + Limits.MAX_INCOMING_BATCHES + " per location, were "
                + incoming.getBatches().size());
        }
        List<StockBatch> batches = new ArrayList<>();
        long sum = 0;
        for (int i = 0; i < incoming.getBatches().size(); i++) {
            IncomingBatch b = incoming.getBatches().get(i);
            if (b == null || b.getExpectedAt() == null) {
                throw new Refusal(RefusalCode.INVALID_FIELD, "batches[" + i + "].expected_at: required");
            }
            if (b.getQuantity() < 1) {
                throw new Refusal(RefusalCode.INVALID_QUANTITY, "batches[" + i + "].quantity must be at least 1, was " + b.getQuantity());
            }
            requireQuantity("batches[" + i + "].quantity", b.getQuantity());
            sum += b.getQuantity();
            batches.add(new StockBatch(b.getQuantity(), b.getExpectedAt()));
        }
        if (sum != incoming.getIncoming()) {
            throw new Refusal(RefusalCode.INVALID_QUANTITY, "incoming must be the sum of the batches, " + sum
                + ", was " + incoming.getIncoming());
        }
        batches.sort(Comparator.comparing(StockBatch::getExpectedAt));
        return batches;
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
