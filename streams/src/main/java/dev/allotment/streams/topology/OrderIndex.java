package dev.allotment.streams.topology;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.state.IndexKeys;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The order's projection goes from {@code before} (null: a new order) to {@code after}. Only the allocations that
     * changed are looked at: the fold copies on write, so an allocation it did not touch is the same object in both
     * (when it is not, as after a commit re-reads the order, every allocation counts as changed, which is as right).
     */
    void changed(OrderProjection before, OrderProjection after) {
        if (before == null) {
            add(after);
            return;
        }
        Set<AllocationProjection> was = identities(before.getAllocations());
        Set<AllocationProjection> is = identities(after.getAllocations());
        List<AllocationProjection> gone = before.getAllocations().stream().filter(a -> !is.contains(a)).toList();
        List<AllocationProjection> come = after.getAllocations().stream().filter(a -> !was.contains(a)).toList();
        if (gone.isEmpty() && come.isEmpty()) {
            return;
        }
        String orderId = after.getOrderId();
        Map<String, String> old = entries(orderId, gone);
        Map<String, String> now = entries(orderId, come);
        // an allocation at a location that another, untouched allocation also holds keeps the order listed there
        for (AllocationProjection a : after.getAllocations()) {
            if (was.contains(a) && OrderFold.heldOrCompleted(a)) {
                old.remove(IndexKeys.allocationAt(a.getLocationId(), orderId));
                now.remove(IndexKeys.allocationAt(a.getLocationId(), orderId));
            }
        }
        old.keySet().stream().filter(k -> !now.containsKey(k)).forEach(index::delete);
        now.forEach((k, v) -> {
            if (!old.containsKey(k)) {
                index.put(k, v);
            }
        });
    }

    private static Set<AllocationProjection> identities(List<AllocationProjection> allocations) {
        Set<AllocationProjection> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(allocations);
        return set;
    }

    /** Writes every entry of {@code order} (filling an index created beside existing orders). */
    void add(OrderProjection order) {
        entries(order).forEach(index::put);
    }

    /** The index entries of one order. */
    static Map<String, String> entries(OrderProjection order) {
        return entries(order.getOrderId(), order.getAllocations());
    }

    private static Map<String, String> entries(String orderId, List<AllocationProjection> allocations) {
        Map<String, String> entries = new HashMap<>();
        for (AllocationProjection a : allocations) {
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
