package dev.allotment.streams.allocation;

import java.util.function.BiPredicate;

/** A key-value table sorted by key, as the {@link TableSkuBook} needs one: a state store in the topology, a sorted map in tests. */
public interface Table<V> {
    /** The value at {@code key}, or null. */
    V get(String key);

    void put(String key, V value);

    /** Removes the key (a changelogged store logs a tombstone even for an absent key: delete what is there). */
    void delete(String key);

    /** Visits the entries whose keys start with {@code prefix} (every entry for ""), in key order, while {@code visit} answers true. */
    void scan(String prefix, BiPredicate<String, V> visit);
}
