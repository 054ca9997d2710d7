package dev.allotment.streams.topology;

import dev.allotment.events.LocationStock;
import dev.allotment.events.ShardLedger;
import dev.allotment.events.SkuStock;
import java.util.HashMap;
import java.util.Map;

/**
 * A SKU's stock as the SKU desk may change it: a new record with a new map of new location records, the incoming
 * batches shared (they are replaced whole, never changed in place), a sharded SKU's ledger deep-copied. What a read of a pending stock gets from the
 * {@code sku-stock} store ({@link CommitTimeStore}): Avro's generic deep copy, walking the schema, cost more than the
 * decision it served.
 */
final class StockCopies {
    private StockCopies() {}

    static SkuStock copy(SkuStock stock) {
        Map<String, LocationStock> locations = new HashMap<>(Math.max(4, stock.getLocations().size() * 2));
        stock.getLocations().forEach((id, s) -> locations.put(id, new LocationStock(s.getPhysical(), s.getAllocated(),
            s.getIncoming(), s.getUpdatedAt(), s.getHeld(), s.getIncomingBatches())));
        // a sharded SKU's ledger (rare: hot SKUs only) by Avro's deep copy
        return new SkuStock(stock.getSku(), locations, stock.getNextSequence(),
            stock.getShards() == null ? null : ShardLedger.newBuilder(stock.getShards()).build());
    }
}
