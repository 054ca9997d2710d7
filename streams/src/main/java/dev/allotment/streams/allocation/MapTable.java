package dev.allotment.streams.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/**
 * A {@link Table} in a sorted map. Values are copied in and out, as a store serializes them, so a caller's change to a
 * value it read reaches the table only when it puts the value back.
 */
public final class MapTable<V> implements Table<V> {
    private final TreeMap<String, V> entries = new TreeMap<>();
    private final UnaryOperator<V> copy;

    public MapTable(UnaryOperator<V> copy) {
        this.copy = copy;
    }

    @Override
    public V get(String key) {
        V value = entries.get(key);
        return value == null ? null : copy.apply(value);
    }

    @Override
    public void put(String key, V value) {
        entries.put(key, copy.apply(value));
    }

    @Override
    public void delete(String key) {
        entries.remove(key);
    }

    @Override
    public void scan(String prefix, BiPredicate<String, V> visit) {
        for (Map.Entry<String, V> e : entries.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix) || !visit.test(e.getKey(), copy.apply(e.getValue()))) {
                return;
            }
        }
    }

    /** Every value, in key order (for invariant checks). */
    public List<V> values() {
        List<V> values = new ArrayList<>();
        entries.values().forEach(v -> values.add(copy.apply(v)));
        return values;
    }
}
