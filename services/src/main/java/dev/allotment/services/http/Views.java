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
        view.put("cancelled_at", time(o.getCancelledAt()));
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
        view.put("cancelled_at", time(l.getCancelledAt()));
        view.put("expected_at", time(l.getExpectedAt()));
        return view;
    }

    private static Map<String, Object> allocation(AllocationProjection a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.getAllocationId());
        view.put("location", Map.of("id", a.getLocationId()));
        view.put("status", a.getStatus());
        List<Map<String, Object>> items = a.getLines().stream().map(l -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", l.getSku());
            item.put("line_id", l.getLineId());
            item.put("quantity", l.getQuantity());
            RequestViews.supplierDocuments(item, l);
            return item;
        }).toList();
        view.put("items", items);
        view.put("created_at", time(a.getCreatedAt()));
        view.put("completed_at", time(a.getCompletedAt()));
        return view;
    }

    /** One decision event as JSON: its envelope, its type, and its payload's fields. */
    public static Map<String, Object> event(dev.allotment.events.AllocationEvent e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("event_id", e.getEventId());
        view.put("type", ((org.apache.avro.specific.SpecificRecord) e.getPayload()).getSchema().getName());
        view.put("occurred_at", time(e.getOccurredAt()));
        view.put("command_id", e.getCommandId());
        view.put("causation_id", e.getCausationId());
        view.put("payload", plain(e.getPayload()));
        return view;
    }

    /** An Avro value as plain JSON values: records as objects, enums as names, timestamps as ISO-8601. */
    static Object plain(Object value) {
        if (value instanceof org.apache.avro.specific.SpecificRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (org.apache.avro.Schema.Field f : record.getSchema().getFields()) {
                fields.put(f.name(), plain(record.get(f.pos())));
            }
            return fields;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Views::plain).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        return value;
    }

    public static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
