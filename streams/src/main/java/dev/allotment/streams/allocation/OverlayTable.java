package dev.allotment.streams.allocation;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/**
 * A draft over a {@link Table}: reads see the draft's own writes first, writes stay in the draft until {@link #apply}
 * (or are dropped with it). A dry run of a flow on drafts shows what it would write without writing it. Values are
 * copied in and out, as a store serializes them.
 */
public final class OverlayTable<V> implements Table<V> {
    private final Table<V> base;
    private final UnaryOperator<V> copy;
    /** Each key written: its value, or empty for a delete. */
    private final TreeMap<String, Optional<V>> writes = new TreeMap<>();

    public OverlayTable(Table<V> base, UnaryOperator<V> copy) {
        this.base = base;
        this.copy = copy;
    }

    @Override
    public V get(String key) {
        Optional<V> own = writes.get(key);
        if (own != null) {
            return own.map(copy).orElse(null);
        }
        return base.get(key);
    }

    @Override
    public void put(String key, V value) {
        writes.put(key, Optional.of(copy.apply(value)));
    }

    @Override
    public void delete(String key) {
        writes.put(key, Optional.empty());
    }

    /** The base's entries and the draft's merged in key order: a draft's value hides the base's, a draft's delete drops it. */
    @Override
    public void scan(String prefix, BiPredicate<String, V> visit) {
        Iterator<Map.Entry<String, Optional<V>>> own = writes.tailMap(prefix, true).entrySet().iterator();
        Merge<V> merge = new Merge<>(own, prefix, visit, copy);
        base.scan(prefix, merge::base);
        merge.rest();
    }

    /** The keys this draft wrote (puts and deletes), in key order. */
    public Iterable<String> written() {
        return writes.keySet();
    }

    /** Writes the draft into its base, in key order, and empties it. */
    public void apply() {
        writes.forEach((key, value) -> {
            if (value.isPresent()) {
                base.put(key, value.get());
            } else {
                base.delete(key);
            }
        });
        writes.clear();
    }

    /** One merged scan: the draft's entries under the prefix, consumed in step with the base's. */
    private static final class Merge<V> {
        private final Iterator<Map.Entry<String, Optional<V>>> own;
        private final String prefix;
        private final BiPredicate<String, V> visit;
        private final UnaryOperator<V> copy;
        private Map.Entry<String, Optional<V>> next;
        private boolean stopped;

        Merge(Iterator<Map.Entry<String, Optional<V>>> own, String prefix, BiPredicate<String, V> visit, UnaryOperator<V> copy) {
            this.own = own;
            this.prefix = prefix;
            this.visit = visit;
            this.copy = copy;
            advance();
        }

        boolean base(String key, V value) {
            while (!stopped && next != null && next.getKey().compareTo(key) < 0) {
                visitOwn();
            }
            if (stopped) {
                return false;
            }
            if (next != null && next.getKey().equals(key)) {
                visitOwn();   // the draft's value (or delete) hides the base's
            } else if (!visit.test(key, value)) {
                stopped = true;
            }
            return !stopped;
        }

        void rest() {
            while (!stopped && next != null) {
                visitOwn();
            }
        }

        private void visitOwn() {
            Map.Entry<String, Optional<V>> e = next;
            advance();
            if (e.getValue().isPresent() && !visit.test(e.getKey(), copy.apply(e.getValue().get()))) {
                stopped = true;
            }
        }

        private void advance() {
            next = own.hasNext() ? own.next() : null;
            if (next != null && !next.getKey().startsWith(prefix)) {
                next = null;
            }
        }
    }
}
