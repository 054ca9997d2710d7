package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.allotment.events.OrderProjection;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.state.IndexKeys;
import dev.allotment.streams.state.StoreNames;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The secondary indexes hold exactly what their stores give (every entry, no stale one), and an index emptied and filled
 * again from its store by {@link IndexBackfill}, a few entries per batch, comes back the same.
 */
final class IndexesAgree {
    private IndexesAgree() {}

    static void check(TopologyFixture fixture) {
        KeyValueStore<String, OrderProjection> orders = fixture.store(StoreNames.ORDERS);
        KeyValueStore<String, String> orderIndex = fixture.store(StoreNames.ORDER_INDEX);
        Map<String, String> expected = new TreeMap<>();
        try (KeyValueIterator<String, OrderProjection> it = orders.all()) {
            it.forEachRemaining(kv -> expected.putAll(OrderIndex.entries(kv.value)));
        }
        assertEquals(expected, entries(orderIndex), "the order index disagrees with the orders");
        OrderIndex writer = new OrderIndex(orderIndex);
        refill(orders, orderIndex, writer::add);
        assertEquals(expected, entries(orderIndex), "the order index filled from the orders differs from the live one");

        KeyValueStore<String, SkuStock> stock = fixture.store(StoreNames.SKU_STOCK);
        KeyValueStore<String, String> stockIndex = fixture.store(StoreNames.STOCK_INDEX);
        Map<String, String> stockExpected = new TreeMap<>();
        try (KeyValueIterator<String, SkuStock> it = stock.all()) {
            it.forEachRemaining(kv -> kv.value.getLocations().keySet()
                .forEach(location -> stockExpected.put(IndexKeys.stockAt(location, kv.key), "")));
        }
        assertEquals(stockExpected, entries(stockIndex), "the stock index disagrees with the stock");
        refill(stock, stockIndex, s -> StockIndex.add(stockIndex, s));
        assertEquals(stockExpected, entries(stockIndex), "the stock index filled from the stock differs from the live one");
    }

    /** Empties {@code index} and fills it again from {@code source}, two entries a batch, as an upgraded engine would. */
    private static <V> void refill(KeyValueStore<String, V> source, KeyValueStore<String, String> index,
                                   java.util.function.Consumer<V> add) {
        try (KeyValueIterator<String, String> it = index.all()) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            it.forEachRemaining(kv -> keys.add(kv.key));
            keys.forEach(index::delete);
        }
        int batches = 0;
        while (!IndexBackfill.fill(source, index, add, 2)) {
            assertFalse(++batches > 10_000, "the fill does not end");
        }
        assertEquals("", index.get(IndexKeys.BUILT), "a filled index is marked built");
    }

    /** The index's entries, its markers left out. */
    private static Map<String, String> entries(KeyValueStore<String, String> index) {
        Map<String, String> entries = new TreeMap<>();
        try (KeyValueIterator<String, String> it = index.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (kv.key.charAt(0) != IndexKeys.SEPARATOR) {
                    entries.put(kv.key, kv.value);
                }
            }
        }
        return entries;
    }
}
