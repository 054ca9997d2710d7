package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.LocationStock;
import dev.allotment.events.ShardLedger;
import dev.allotment.events.ShardLink;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StockCopiesTest {
    @Test
    void aCopyEqualsItsStockAndChangingItChangesNothingOfTheStock() {
        Map<String, LocationStock> locations = new HashMap<>();
        locations.put("wh-a", new LocationStock(10, 4, 3, Instant.ofEpochMilli(1_000), 2,
            List.of(new StockBatch(3, Instant.ofEpochMilli(9_000)))));
        SkuStock stock = new SkuStock("S1", locations, 7L, null);

        SkuStock copy = StockCopies.copy(stock);
        assertEquals(stock, copy, "every field copied");

        copy.getLocations().get("wh-a").setAllocated(9);
        copy.getLocations().put("wh-b", new LocationStock(1, 0, 0, Instant.EPOCH, 0, null));
        copy.setNextSequence(8L);
        assertEquals(4, stock.getLocations().get("wh-a").getAllocated());
        assertEquals(1, stock.getLocations().size());
        assertEquals(7L, stock.getNextSequence());
    }

    @Test
    void aShardedSkusLedgerIsCopiedToo() {
        ShardLedger ledger = ShardLedger.newBuilder().setLinks(new ArrayList<>(List.of(ShardLink.newBuilder().setShard(1)
            .setLocationId("wh-a").setLent(5).build()))).build();
        SkuStock stock = new SkuStock("S1", new HashMap<>(), 1L, ledger);

        SkuStock copy = StockCopies.copy(stock);
        assertEquals(stock, copy);
        copy.getShards().getLinks().get(0).setLent(9);
        assertEquals(5, stock.getShards().getLinks().get(0).getLent());
    }

    /** The copy names every field: one added to the schema must be added to it (this test then fails until it is). */
    @Test
    void theCopyKnowsEveryFieldOfTheSchema() {
        assertEquals(List.of("sku", "locations", "next_sequence", "shards"),
            SkuStock.SCHEMA$.getFields().stream().map(f -> f.name()).toList());
        assertEquals(List.of("physical", "allocated", "incoming", "updated_at", "held", "incoming_batches"),
            LocationStock.SCHEMA$.getFields().stream().map(f -> f.name()).toList());
    }
}
