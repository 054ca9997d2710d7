package dev.allotment.services.http;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ProjectedAllocationLine;
import dev.allotment.streams.state.EngineState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Allocation views in the seeds' shapes. Right after a command, views are built from the SKU partitions'
 * stores (already decided) rather than the order projection (one hop behind).
 */
final class AllocationViews {
    private AllocationViews() {}

    /** Envoy's Order Allocation, from the decided lines of {@code skus}. */
    static Map<String, Object> envoyFresh(EngineState state, String orderId, String allocationId, Collection<String> skus) {
        Map<String, Long> items = new TreeMap<>();   // in long: an allocation's lines of one SKU add up past the int range
        String location = null;
        Instant completedAt = null;
        boolean allCompleted = true;
        for (String sku : skus) {
            for (LineReservation line : state.lines(sku, orderId)) {
                for (LineAllocation part : line.getAllocations()) {
                    if (part.getAllocationId().equals(allocationId)) {
                        items.merge(sku, (long) part.getQuantity(), Long::sum);
                        location = part.getLocationId();
                        allCompleted &= part.getCompletedAt() != null;
                        if (part.getCompletedAt() != null && (completedAt == null || part.getCompletedAt().isAfter(completedAt))) {
                            completedAt = part.getCompletedAt();
                        }
                    }
                }
            }
        }
        return envoy(allocationId, location, orderId, items, allCompleted && !items.isEmpty() ? completedAt : null);
    }

    /** Envoy's Order Allocation, from the order's projection. */
    static Map<String, Object> envoy(OrderProjection order, AllocationProjection a) {
        Map<String, Long> items = new TreeMap<>();
        for (ProjectedAllocationLine l : a.getLines()) {
            items.merge(l.getSku(), (long) l.getQuantity(), Long::sum);
        }
        return envoy(a.getAllocationId(), a.getLocationId(), order.getOrderId(), items, a.getCompletedAt());
    }

    private static Map<String, Object> envoy(String id, String location, String orderId, Map<String, Long> items, Instant completedAt) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("location", location == null ? null : Map.of("id", location));
        view.put("order", Map.of("id", orderId));
        view.put("items", items.entrySet().stream().map(e -> Map.<String, Object>of("id", e.getKey(), "quantity", e.getValue())).toList());
        view.put("completed_at", Views.time(completedAt));
        return view;
    }

    /**
     * Ids as a Veeqo client sent them: Veeqo's ids are integers, and an id the request gave as a JSON number (a
     * {@code warehouse_id} of 5, a {@code sellable_id} of 1226615) is answered as a number wherever it appears; the
     * engine keeps every id as text.
     */
    record VeeqoIds(java.util.Set<String> sentAsNumbers) {
        static final VeeqoIds TEXT = new VeeqoIds(java.util.Set.of());

        Object out(String id) {
            if (id == null || !sentAsNumbers.contains(id)) {
                return id;
            }
            try {
                long value = Long.parseLong(id);
                return Long.toString(value).equals(id) ? value : id;
            } catch (NumberFormatException e) {
                return id;
            }
        }
    }

    /**
     * Veeqo's answer to {@code POST /orders/{id}/allocations}: the order, as Veeqo answers it, with the allocation just
     * made ({@link #veeqo}): its id, number, status, channel, line items (each with its sellable and stock levels at
     * every warehouse), {@code allocated_completely}, the cancellation's reason and time, and its times.
     */
    static Map<String, Object> veeqoOrder(EngineState state, OrderProjection order, Map<String, Object> allocation,
                                          boolean allocatedCompletely, VeeqoIds ids, Sellables sellables) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", order.getOrderId());
        view.put("number", order.getOrderNumber());
        view.put("status", order.getStatus().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> channel = new LinkedHashMap<>();
        channel.put("id", order.getChannel());
        channel.put("name", order.getChannel());
        view.put("channel", channel);
        view.put("line_items", order.getLines().stream().map(l -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", l.getLineId());
            item.put("quantity", l.getQuantity());
            item.put("allocated_quantity", l.getAllocatedQuantity());
            item.put("sellable", sellables.of(state, l.getSku(), ids));
            item.put("created_at", Views.time(order.getCreatedAt()));
            item.put("updated_at", Views.time(order.getUpdatedAt()));
            return item;
        }).toList());
        view.put("allocations", List.of(allocation));
        view.put("allocated_completely", allocatedCompletely);
        view.put("cancel_reason", order.getCancelReason());
        view.put("cancelled_at", Views.time(order.getCancelledAt()));
        view.put("created_at", Views.time(order.getCreatedAt()));
        view.put("updated_at", Views.time(order.getUpdatedAt()));
        return view;
    }

    /**
     * Veeqo's allocation {@code allocationId}, from the order's line reservations read after the command ({@code lines},
     * by SKU), with each line's sellable and its stock entries per warehouse.
     */
    static Map<String, Object> veeqo(EngineState state, String orderId, String allocationId, String warehouseId,
                                     Map<String, List<LineReservation>> lines, Instant at, VeeqoIds ids, Sellables sellables) {
        List<Map<String, Object>> lineItems = new ArrayList<>();
        for (Map.Entry<String, List<LineReservation>> ofSku : lines.entrySet()) {
            Map<String, Object> sellable = sellables.of(state, ofSku.getKey(), ids);
            for (LineReservation line : ofSku.getValue()) {
                for (LineAllocation part : line.getAllocations()) {
                    if (part.getAllocationId().equals(allocationId)) {
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("id", line.getLineId());
                        item.put("quantity", part.getQuantity());
                        item.put("created_at", Views.time(part.getCreatedAt()));
                        item.put("sellable", sellable);
                        lineItems.add(item);
                    }
                }
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", allocationId);
        view.put("order_id", orderId);
        Map<String, Object> warehouse = new LinkedHashMap<>();
        warehouse.put("id", ids.out(warehouseId));
        warehouse.put("name", state.location(warehouseId).map(l -> l.getName()).orElse(null));
        view.put("warehouse", warehouse);
        view.put("line_items", lineItems);
        view.put("created_at", Views.time(at));
        view.put("updated_at", Views.time(at));
        return view;
    }

    /**
     * The sellables of one answer, each read once (its stock and the locations holding it), however many parts of the
     * answer show it: Veeqo's allocation and its order's line items show the same SKUs.
     */
    static final class Sellables {
        private final Map<String, Map<String, Object>> read = new HashMap<>();

        Map<String, Object> of(EngineState state, String sku, VeeqoIds ids) {
            return read.computeIfAbsent(sku, s -> sellable(state, s, ids));
        }
    }

    private static Map<String, Object> sellable(EngineState state, String sku, VeeqoIds ids) {
        Map<String, Object> sellable = new LinkedHashMap<>();
        sellable.put("id", ids.out(sku));
        sellable.put("sku_code", sku);
        List<Map<String, Object>> entries = new ArrayList<>();
        long physical = 0;   // in long: locations of up to Limits.MAX_QUANTITY each add up past the int range
        long allocated = 0;
        long incoming = 0;
        long held = 0;
        Map<String, LocationStock> levels = state.stock(sku).map(s -> (Map<String, LocationStock>) new TreeMap<>(s.getLocations()))
            .orElse(Map.of());
        for (Map.Entry<String, LocationStock> e : levels.entrySet()) {
            LocationStock s = e.getValue();
            boolean infinite = state.location(e.getKey()).map(l -> !l.getTracksStock()).orElse(false);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sellable_id", ids.out(sku));
            entry.put("warehouse_id", ids.out(e.getKey()));
            entry.put("physical_stock_level", s.getPhysical());
            entry.put("allocated_stock_level", s.getAllocated());
            entry.put("available_stock_level", s.getPhysical() - s.getAllocated() - s.getHeld());   // cart holds take from it too
            entry.put("incoming_stock_level", s.getIncoming());
            entry.put("infinite", infinite);
            entry.put("updated_at", Views.time(s.getUpdatedAt()));
            entries.add(entry);
            physical += s.getPhysical();
            allocated += s.getAllocated();
            incoming += s.getIncoming();
            held += s.getHeld();
        }
        sellable.put("stock_entries", entries);
        Map<String, Object> inventory = new LinkedHashMap<>();
        inventory.put("physical_stock_level_at_all_warehouses", physical);
        inventory.put("allocated_stock_level_at_all_warehouses", allocated);
        inventory.put("available_stock_level_at_all_warehouses", physical - allocated - held);
        inventory.put("incoming_stock_level_at_all_warehouses", incoming);
        sellable.put("inventory", inventory);
        return sellable;
    }
}
