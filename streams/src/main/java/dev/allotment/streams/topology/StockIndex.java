package dev.allotment.streams.topology;

import dev.allotment.events.SkuStock;
import dev.allotment.streams.allocation.Table;
import dev.allotment.streams.state.IndexKeys;
import java.util.Set;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The SKU stock table, keeping {@link dev.allotment.streams.state.StoreNames#STOCK_INDEX} (SKUs by location) in step
 * with it: a SKU's stock written with a location it did not have indexes it there, and one without a location it had
 * unindexes it. Same task, same transaction.
 */
record StockIndex(Table<SkuStock> stock, KeyValueStore<String, String> index) implements Table<SkuStock> {
    @Override
    public SkuStock get(String key) {
        return stock.get(key);
    }

    @Override
    public void put(String key, SkuStock value) {
        SkuStock before = stock.get(key);
        Set<String> old = before == null ? Set.of() : before.getLocations().keySet();
        for (String location : old) {
            if (!value.getLocations().containsKey(location)) {
                index.delete(IndexKeys.stockAt(location, key));
            }
        }
        for (String location : value.getLocations().keySet()) {
            if (!old.contains(location)) {
                index.put(IndexKeys.stockAt(location, key), "");
            }
        }
        stock.put(key, value);
    }

    @Override
    public void delete(String key) {
        SkuStock before = stock.get(key);
        if (before != null) {
            before.getLocations().keySet().forEach(location -> index.delete(IndexKeys.stockAt(location, key)));
        }
        stock.delete(key);
    }

    @Override
    public void scan(String prefix, BiPredicate<String, SkuStock> visit) {
        stock.scan(prefix, visit);
    }

    /** Writes every entry of {@code s} (filling an index created beside existing stock). */
    static void add(KeyValueStore<String, String> index, SkuStock s) {
        s.getLocations().keySet().forEach(location -> index.put(IndexKeys.stockAt(location, s.getSku()), ""));
    }
}
