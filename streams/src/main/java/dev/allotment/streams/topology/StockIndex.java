package dev.allotment.streams.topology;

import dev.allotment.events.SkuStock;
import dev.allotment.streams.allocation.Table;
import dev.allotment.streams.state.IndexKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The SKU stock table, keeping {@link dev.allotment.streams.state.StoreNames#STOCK_INDEX} (SKUs by location) in step
 * with it: a SKU's stock written with a location it did not have indexes it there, and one without a location it had
 * unindexes it. Same task, same transaction. One per task (its processor's), so that every write of the task's stock
 * goes through it and what it remembers is what the table holds.
 */
final class StockIndex implements Table<SkuStock> {
    /** How many SKUs' locations are remembered (a decision reads its SKU's stock, then writes it). */
    private static final int REMEMBERED = 1_024;
    private final Table<SkuStock> stock;
    private final KeyValueStore<String, String> index;
    /** The locations of the SKUs read or written last, as the table holds them: spares a read of the stock per write. */
    private final Map<String, Set<String>> locations = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > REMEMBERED;
        }
    };

    StockIndex(Table<SkuStock> stock, KeyValueStore<String, String> index) {
        this.stock = stock;
        this.index = index;
    }

    @Override
    public SkuStock get(String key) {
        SkuStock found = stock.get(key);
        locations.put(key, found == null ? Set.of() : Set.copyOf(found.getLocations().keySet()));
        return found;
    }

    @Override
    public void put(String key, SkuStock value) {
        Set<String> old = locations.get(key);
        if (old == null) {
            SkuStock before = stock.get(key);
            old = before == null ? Set.of() : before.getLocations().keySet();
        }
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
        locations.put(key, Set.copyOf(value.getLocations().keySet()));
    }

    @Override
    public void delete(String key) {
        SkuStock before = stock.get(key);
        if (before != null) {
            before.getLocations().keySet().forEach(location -> index.delete(IndexKeys.stockAt(location, key)));
        }
        stock.delete(key);
        locations.remove(key);
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
