package dev.allotment.streams.topology;

import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.state.HistoryExpiryKeys;
import dev.allotment.streams.state.HistoryKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A completed or cancelled order's decision history, forgotten {@code retention} after the order became final, oldest
 * first, through an index sorted by that time (no scan of the history or of the orders); the order's projection stays.
 * Each indexed order has exactly one due entry, found by its order key: an order that leaves its final status is taken
 * out, and one that becomes final again (or gets an event after its history was forgotten) is indexed anew.
 */
final class OrderHistoryExpiry {
    private static final StringSerializer KEYS = new StringSerializer();
    private static final List<Long> FORGOTTEN = List.of(OrderFold.HISTORY_FORGOTTEN);
    private final KeyValueStore<String, OrderProjection> orders;
    /** Writes an order whose history's positions alone changed (not republished to the feed). */
    private final BiConsumer<String, OrderProjection> quietly;
    private final KeyValueStore<String, byte[]> history;
    private final KeyValueStore<String, String> expiries;
    private final Duration retention;

    OrderHistoryExpiry(KeyValueStore<String, OrderProjection> orders, BiConsumer<String, OrderProjection> quietly,
                       KeyValueStore<String, byte[]> history, KeyValueStore<String, String> expiries, Duration retention) {
        this.orders = orders;
        this.quietly = quietly;
        this.history = history;
        this.expiries = expiries;
        this.retention = retention;
    }

    /**
     * After an event was folded into the order (status {@code before}, then {@code after}) and kept in its history at
     * {@code at}: a final order not indexed yet is indexed to be forgotten a retention after {@code at}; an order that is
     * no longer final is taken out. Only a final order, or one that was, costs a read of the index.
     */
    void folded(String orderId, OrderStatus before, OrderStatus after, Instant at) {
        if (OrderFold.isFinal(after)) {
            if (expiries.get(HistoryExpiryKeys.order(orderId)) == null) {
                String due = HistoryExpiryKeys.due(HistoryExpiryKeys.forgetAt(at, retention), orderId);
                expiries.put(due, orderId);
                expiries.put(HistoryExpiryKeys.order(orderId), due);
            }
        } else if (OrderFold.isFinal(before)) {
            String due = expiries.get(HistoryExpiryKeys.order(orderId));
            if (due != null) {
                expiries.delete(due);
                expiries.delete(HistoryExpiryKeys.order(orderId));
            }
        }
    }

    /**
     * Forgets the history of the orders due by {@code now}, at most {@code max} of them, and their index entries; how many
     * entries were handled. An entry that is not its order's current one, or whose order is no longer final, is only dropped.
     */
    int forget(Instant now, int max) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        // from "", not null: with transactional state stores, Kafka Streams 4.4.0 ignores the upper bound of
        // range(null, to) and returns every key (ExpiryScanTest)
        try (KeyValueIterator<String, String> it = expiries.range("", HistoryExpiryKeys.dueBy(now))) {   // sorted by time
            while (it.hasNext() && due.size() < max) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, String> entry : due) {
            String orderId = entry.value;
            String orderKey = HistoryExpiryKeys.order(orderId);
            boolean current = entry.key.equals(expiries.get(orderKey));
            OrderProjection order = orders.get(orderId);
            if (current && order != null && OrderFold.isFinal(order.getStatus())) {
                deleteHistory(orderId);
                if (!order.getHistoryPositions().equals(FORGOTTEN)) {   // marked: a lost reservation is not looked for
                    quietly.accept(orderId, OrderFold.withHistoryForgotten(order));
                }
            }
            if (current) {
                expiries.delete(orderKey);
            }
            expiries.delete(entry.key);
        }
        return due.size();
    }

    /**
     * Deletes what the history store holds of the order (entries written before the positions moved into the order's
     * record, December 2026): a range over its own keys only.
     */
    private void deleteHistory(String orderId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = history.prefixScan(HistoryKeys.prefix(orderId), KEYS)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(history::delete);
    }
}
