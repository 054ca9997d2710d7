package dev.allotment.services.http;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineProjection;
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

    /** Whether every line of the order is allocated, with fresh lines for {@code skus} and the projection for the rest. */
    static boolean allocatedCompletely(EngineState state, OrderProjection order, Collection<String> skus) {
        Map<String, Integer> fresh = new HashMap<>();
        for (String sku : skus) {
            state.lines(sku, order.getOrderId()).forEach(l -> fresh.put(l.getLineId(), l.getAllocatedQuantity()));
        }
        for (LineProjection l : order.getLines()) {
            int allocated = fresh.getOrDefault(l.getLineId(), l.getAllocatedQuantity());
            if (allocated < l.getQuantity()) {
                return false;
            }
        }
        return true;
    }

    /** Veeqo's allocation, with each line's sellable and its stock entries per warehouse. */
    static Map<String, Object> veeqo(EngineState state, String orderId, String allocationId, String warehouseId,
                                     Collection<String> skus, Instant at) {
        List<Map<String, Object>> lineItems = new ArrayList<>();
        for (String sku : skus) {
            Map<String, Object> sellable = sellable(state, sku);
            for (LineReservation line : state.lines(sku, orderId)) {
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
        warehouse.put("id", warehouseId);
        warehouse.put("name", state.location(warehouseId).map(l -> l.getName()).orElse(null));
        view.put("warehouse", warehouse);
        view.put("line_items", lineItems);
        view.put("created_at", Views.time(at));
        view.put("updated_at", Views.time(at));
        return view;
    }

    private static Map<String, Object> sellable(EngineState state, String sku) {
        Map<String, Object> sellable = new LinkedHashMap<>();
        sellable.put("id", sku);
        sellable.put("sku_code", sku);
        List<Map<String, Object>> entries = new ArrayList<>();
        long physical = 0;   // in long: locations of up to Limits.MAX_QUANTITY each add up past the int range
        long allocated = 0;
        long incoming = 0;
        Map<String, LocationStock> levels = state.stock(sku).map(s -> (Map<String, LocationStock>) new TreeMap<>(s.getLocations()))
            .orElse(Map.of());
        for (Map.Entry<String, LocationStock> e : levels.entrySet()) {
            LocationStock s = e.getValue();
            boolean infinite = state.location(e.getKey()).map(l -> !l.getTracksStock()).orElse(false);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sellable_id", sku);
            entry.put("warehouse_id", e.getKey());
            entry.put("physical_stock_level", s.getPhysical());
            entry.put("allocated_stock_level", s.getAllocated());
            entry.put("available_stock_level", s.getPhysical() - s.getAllocated());
            entry.put("incoming_stock_level", s.getIncoming());
            entry.put("infinite", infinite);
            entry.put("updated_at", Views.time(s.getUpdatedAt()));
            entries.add(entry);
            physical += s.getPhysical();
            allocated += s.getAllocated();
            incoming += s.getIncoming();
        }
        sellable.put("stock_entries", entries);
        Map<String, Object> inventory = new LinkedHashMap<>();
        inventory.put("physical_stock_level_at_all_warehouses", physical);
        inventory.put("allocated_stock_level_at_all_warehouses", allocated);
        inventory.put("available_stock_level_at_all_warehouses", physical - allocated);
        inventory.put("incoming_stock_level_at_all_warehouses", incoming);
        sellable.put("inventory", inventory);
        return sellable;
    }
}
