package dev.allotment.services.http;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.LineProjection;
import dev.allotment.events.OrderProjection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shapes of projections: the engine's own order view and Envoy's reservation. */
public final class Views {
    private Views() {}

    public static Map<String, Object> order(OrderProjection o) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("order_id", o.getOrderId());
        view.put("order_number", o.getOrderNumber());
        view.put("channel", o.getChannel());
        view.put("priority", o.getPriority());
        view.put("status", o.getStatus().name().toLowerCase(Locale.ROOT));
        view.put("allocated_completely", allocatedCompletely(o));
        view.put("placed_at", time(o.getPlacedAt()));
        view.put("cancel_reason", o.getCancelReason());
        view.put("lines", o.getLines().stream().map(Views::line).toList());
        view.put("allocations", o.getAllocations().stream().map(Views::allocation).toList());
        view.put("created_at", time(o.getCreatedAt()));
        view.put("updated_at", time(o.getUpdatedAt()));
        view.put("version", o.getVersion());
        return view;
    }

    /** Envoy's Order Reservation: items are the order's lines, each named by its SKU. */
    public static Map<String, Object> reservation(OrderProjection o) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("order", Map.of("id", o.getOrderId()));
        view.put("items", o.getLines().stream().map(l -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", l.getSku());
            item.put("line_id", l.getLineId());
            item.put("quantity", l.getQuantity());
            item.put("allocated_quantity", l.getAllocatedQuantity());
            return item;
        }).toList());
        view.put("status", o.getStatus().name().toLowerCase(Locale.ROOT));
        view.put("created_at", time(o.getCreatedAt()));
        view.put("updated_at", time(o.getUpdatedAt()));
        return view;
    }

    static boolean allocatedCompletely(OrderProjection o) {
        return o.getLines().stream().allMatch(l -> l.getAllocatedQuantity() >= l.getQuantity());
    }

    private static Map<String, Object> line(LineProjection l) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("line_id", l.getLineId());
        view.put("sku", l.getSku());
        view.put("quantity", l.getQuantity());
        view.put("allocated_quantity", l.getAllocatedQuantity());
        view.put("backordered_quantity", l.getBackorderedQuantity());
        return view;
    }

    private static Map<String, Object> allocation(AllocationProjection a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.getAllocationId());
        view.put("location", Map.of("id", a.getLocationId()));
        view.put("status", a.getStatus());
        List<Map<String, Object>> items = a.getLines().stream().map(l -> Map.<String, Object>of(
            "id", l.getSku(), "line_id", l.getLineId(), "quantity", l.getQuantity())).toList();
        view.put("items", items);
        view.put("created_at", time(a.getCreatedAt()));
        view.put("completed_at", time(a.getCompletedAt()));
        return view;
    }

    public static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
