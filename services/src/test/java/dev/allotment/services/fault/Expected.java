package dev.allotment.services.fault;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the final answers promise: each 2xx write with the effect it must have had exactly once in the decision log
 * (or on the stock), and each 4xx write, whose Idempotency-Key must have no effect at all.
 */
final class Expected {
    record Line(String lineId, String sku, int quantity) {}

    record Order(String orderId, String channel, List<Line> lines) {}

    /** A manual allocation answered 201: one AllocationRequested for {@code allocationId} under {@code key}. */
    record Manual(String key, String allocationId, String orderId, String sku, String location, int quantity) {}

    /** A completion answered 200: one AllocationCompleted for {@code allocationId} under {@code key}. */
    record Completion(String key, String allocationId, String sku, String location, int quantity) {}

    /** A supplier's answer answered 200: {@code verb} confirm, reject or crux (Crux PUT; {@code allocated}: a line said Allocated). */
    record Answer(String key, String verb, String allocationId, String orderId, boolean allocated) {}

    final Map<String, Order> placed = new ConcurrentHashMap<>();
    final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    final Map<String, Manual> allocations = new ConcurrentHashMap<>();
    final Map<String, Completion> completions = new ConcurrentHashMap<>();
    final List<Answer> answers = new CopyOnWriteArrayList<>();
    /** Keys of writes answered 4xx, with what they were: none of them may have an effect. */
    final Map<String, String> refused = new ConcurrentHashMap<>();
    /** The sum of the 2xx stock adjustments per place ({@code sku@location}). */
    final Map<String, Integer> adjusted = new ConcurrentHashMap<>();

    void adjusted(String sku, String location, int delta) {
        adjusted.merge(place(sku, location), delta, Integer::sum);
    }

    static String place(String sku, String location) {
        return sku + "@" + location;
    }
}
