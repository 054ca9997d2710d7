package dev.allotment.streams.topology;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.state.IndexKeys;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps {@link dev.allotment.streams.state.StoreNames#ORDER_INDEX} in step with the orders store: each time a processor
 * writes an order's projection, the index entries the old projection gave and the new one does not are deleted, and the
 * new ones written (see {@link IndexKeys} for what is indexed). Both are on the order's partition, written in the same
 * transaction.
 */
final class OrderIndex {
    private final KeyValueStore<String, String> index;

    OrderIndex(KeyValueStore<String, String> index) {
        this.index = index;
    }

    /** The order's projection goes from {@code before} (null: a new order) to {@code after}. */
    void changed(OrderProjection before, OrderProjection after) {
        Map<String, String> old = before == null ? Map.of() : entries(before);
        Map<String, String> now = entries(after);
        old.keySet().stream().filter(k -> !now.containsKey(k)).forEach(index::delete);
        now.forEach((k, v) -> {
            if (!old.containsKey(k)) {
                index.put(k, v);
            }
        });
    }

    /** Writes every entry of {@code order} (filling an index created beside existing orders). */
    void add(OrderProjection order) {
        entries(order).forEach(index::put);
    }

    /** The index entries of one order. */
    static Map<String, String> entries(OrderProjection order) {
        Map<String, String> entries = new HashMap<>();
        String orderId = order.getOrderId();
        for (AllocationProjection a : order.getAllocations()) {
            if (a.getRequest()) {
                entries.put(IndexKeys.requestByStatus(a.getStatus(), a.getCreatedAt(), a.getAllocationId()), orderId);
                entries.put(IndexKeys.requestAt(a.getLocationId(), a.getStatus(), a.getCreatedAt(), a.getAllocationId()), orderId);
            }
            if (OrderFold.heldOrCompleted(a)) {
                entries.put(IndexKeys.allocationAt(a.getLocationId(), orderId), "");
            }
        }
        return entries;
    }
}
