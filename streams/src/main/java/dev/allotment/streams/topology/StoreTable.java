package dev.allotment.streams.topology;

import dev.allotment.streams.allocation.Table;
import java.util.function.BiPredicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A {@link Table} on a state store with String keys (RocksDB keeps them in byte order, which is their order here). */
record StoreTable<V>(KeyValueStore<String, V> store) implements Table<V> {
    private static final StringSerializer KEYS = new StringSerializer();

    @Override
    public V get(String key) {
        return store.get(key);
    }

    @Override
    public void put(String key, V value) {
        store.put(key, value);
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }

    @Override
    public void scan(String prefix, BiPredicate<String, V> visit) {
        try (KeyValueIterator<String, V> it = prefix.isEmpty() ? store.all() : store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, V> entry = it.next();
                if (!visit.test(entry.key, entry.value)) {
                    return;
                }
            }
        }
    }
}
