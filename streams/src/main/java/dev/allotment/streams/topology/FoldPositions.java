package dev.allotment.streams.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far each order task's fold has read the decision log on this instance: the offset of the last allocation-events
 * record it took, -1 while it has taken none since the task opened. The order processor of the same task reads it when
 * it places an order: the order's reservation, logged then, lands after it ({@link
 * dev.allotment.streams.order.OrderFold#reservationAfter}). One counter per partition, found once by each processor
 * when its task opens, so a record costs a plain write; a task's two processors run on its one stream thread.
 */
final class FoldPositions {
    private final Map<Integer, AtomicLong> byPartition = new ConcurrentHashMap<>();

    /** The counter of the order task of {@code partition}. */
    AtomicLong of(int partition) {
        return byPartition.computeIfAbsent(partition, p -> new AtomicLong(-1));
    }
}
