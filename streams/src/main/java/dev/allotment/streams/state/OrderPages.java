package dev.allotment.streams.state;

import dev.allotment.events.OrderProjection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A page of orders in order-id order across partitions: each partition's store is sorted, so a page merges their
 * iterators, and a cursor (the last id seen) pages correctly across partitions.
 */
final class OrderPages {
    private OrderPages() {}

    /** See {@link EngineState#orders}. */
    static List<OrderProjection> page(List<ReadOnlyKeyValueStore<String, OrderProjection>> stores, String after,
                                      String before, int limit) {
        boolean backwards = before != null;
        Comparator<KeyValue<String, OrderProjection>> order = Comparator.comparing(kv -> kv.key);
        PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> order.compare(
            backwards ? b.head : a.head, backwards ? a.head : b.head));
        List<KeyValueIterator<String, OrderProjection>> open = new ArrayList<>();
        try {
            for (ReadOnlyKeyValueStore<String, OrderProjection> store : stores) {
                KeyValueIterator<String, OrderProjection> it = backwards ? store.reverseRange(null, before) : store.range(after, null);
                open.add(it);
                Cursor cursor = new Cursor(it, backwards ? before : after);
                if (cursor.advance()) {
                    heads.add(cursor);
                }
            }
            List<OrderProjection> result = new ArrayList<>();
            while (!heads.isEmpty() && result.size() <= limit) {
                Cursor next = heads.poll();
                result.add(next.head.value);
                if (next.advance()) {
                    heads.add(next);
                }
            }
            if (backwards) {
                Collections.reverse(result);
            }
            return result;
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** One partition's iterator with its current head, skipping the (exclusive) bound the range starts at. */
    private static final class Cursor {
        private final KeyValueIterator<String, OrderProjection> it;
        private final String exclusiveBound;
        private KeyValue<String, OrderProjection> head;

        Cursor(KeyValueIterator<String, OrderProjection> it, String exclusiveBound) {
            this.it = it;
            this.exclusiveBound = exclusiveBound;
        }

        boolean advance() {
            while (it.hasNext()) {
                head = it.next();
                if (!head.key.equals(exclusiveBound)) {
                    return true;
                }
            }
            return false;
        }
    }
}
