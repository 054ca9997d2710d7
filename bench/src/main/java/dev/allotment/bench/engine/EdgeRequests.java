package dev.allotment.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pure parts of the edge scenario: request bodies in the seeds' shapes (docs/api.md), reading the answers, the
 * ids the edge gives allocations, how many operations a fixed-rate window schedules, and which orders prove that a
 * whole batch has been reserved.
 */
public final class EdgeRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeRequests() {}

    /** An order placed for the scenario: one line {@code lineId} of one unit of {@code sku}, at {@code partition}/{@code offset} of order-events. */
    public record Placed(String orderId, String lineId, String sku, int partition, long offset) {}

    /** An allocation request at the supplier, created by a manual allocation of {@code order}. */
    public record Request(String requestId, Placed order) {}

    /** Veeqo's {@code POST /orders/{id}/allocations} body: {@code quantity} of {@code sku} (the sellable) at {@code warehouseId}. */
    public static String veeqoAllocation(String warehouseId, String sku, int quantity) {
        return json(Map.of("allocation", Map.of("warehouse_id", warehouseId,
            "line_items_attributes", List.of(Map.of("sellable_id", sku, "quantity", quantity)))));
    }

    /** Crux Connect's {@code PUT /orders/allocation/{order}/} body accepting {@code quantity} of line {@code lineId}. */
    public static String cruxAccept(String lineId, int quantity) {
        return json(Map.of("line_items", List.of(Map.of("line_item_uuid", lineId,
            "allocation", Map.of("quantity_accepted", quantity, "quantity_rejected", 0, "quantity_backordered", 0)))));
    }

    /** {@code POST /stock/adjustments} body: one adjustment of {@code delta} units of {@code sku} at {@code locationId}. */
    public static String adjustment(String locationId, String sku, int delta) {
        return json(Map.of("adjustments", List.of(Map.of("location_id", locationId, "sku", sku, "delta", delta,
            "reason", "bench"))));
    }

    /** Centra's {@code POST /allocation-requests/{id}/reject} body. */
    public static String reject(String reason) {
        return json(Map.of("reason", reason));
    }

    /** The id of the first allocation in a Veeqo 201 answer. */
    public static String allocationIdOf(String veeqoAnswer) {
        JsonNode id = read(veeqoAnswer).path("allocations").path(0).path("id");
        if (!id.isTextual()) {
            throw new IllegalStateException("no allocations[0].id in " + EdgeClient.abbreviate(veeqoAnswer, 300));
        }
        return id.asText();
    }

    /** Whether a Centra answer ({@code {"status":"ok","allocation_request":{…}}}) shows the request in {@code status}. */
    public static boolean requestIs(String centraAnswer, String status) {
        JsonNode root = read(centraAnswer);
        return "ok".equals(root.path("status").asText()) && status.equals(root.path("allocation_request").path("status").asText());
    }

    /** Whether a Crux answer ({@code [{"<line>":"<status>"}]}) gives {@code lineId} the status {@code status}. */
    public static boolean cruxLineIs(String cruxAnswer, String lineId, String status) {
        for (JsonNode item : read(cruxAnswer)) {
            if (status.equals(item.path(lineId).asText(null))) {
                return true;
            }
        }
        return false;
    }

    /** The units allocated at {@code locationId} in a {@code GET /stock/{sku}} answer (0 when the location is not listed). */
    public static long allocatedAt(String stockAnswer, String locationId) {
        return levelAt(stockAnswer, locationId, "allocated");
    }

    /** The physical units at {@code locationId} in a {@code GET /stock/{sku}} answer (0 when the location is not listed). */
    public static long physicalAt(String stockAnswer, String locationId) {
        return levelAt(stockAnswer, locationId, "physical");
    }

    private static long levelAt(String stockAnswer, String locationId, String field) {
        for (JsonNode level : read(stockAnswer).path("locations")) {
            if (locationId.equals(level.path("location_id").asText())) {
                return level.path(field).asLong();
            }
        }
        return 0;
    }

    /**
     * How many operations a fixed-rate schedule starts within a window of {@code window} (the warm-up or the
     * measured time): rate × seconds rounded up, and 2 more for the rounding of the schedule's instants.
     */
    public static int scheduled(double rate, Duration window) {
        if (rate <= 0) {
            throw new IllegalArgumentException("a fixed rate above 0 is needed, was " + rate);
        }
        double n = Math.ceil(rate * window.toNanos() / 1e9);
        if (n > Integer.MAX_VALUE - 2) {
            throw new IllegalArgumentException("too many operations: " + rate + "/s over " + window);
        }
        return (int) n + 2;
    }

    /**
     * The orders that prove a batch is reserved: for each order-events partition and SKU, the order latest in that
     * partition. The engine reserves an order's lines on their SKUs' partitions in the order its order partition
     * holds them (one task per partition, its commands written in that order to the SKU's partition, decided
     * there in turn), so when this order's line is reserved, so is the line of every order before it.
     */
    public static List<Placed> lastPerPartitionAndSku(Collection<Placed> placed) {
        Map<String, Placed> last = new HashMap<>();
        for (Placed p : placed) {
            last.merge(p.partition() + "\u0000" + p.sku(), p, (a, b) -> b.offset() > a.offset() ? b : a);
        }
        List<Placed> proofs = new ArrayList<>(last.values());
        proofs.sort(java.util.Comparator.comparing(Placed::partition).thenComparing(Placed::sku));
        return proofs;
    }

    /** Answers counted by what they were, e.g. {@code "allocate 201"}; thread-safe. */
    public static final class Tally {
        private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

        public void count(String what) {
            counts.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        /** The counts so far, sorted by name. */
        public Map<String, Long> snapshot() {
            Map<String, Long> m = new TreeMap<>();
            counts.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            JsonNode root = JSON.readTree(body == null ? "" : body);
            return root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + EdgeClient.abbreviate(body, 300), e);
        }
    }
}
