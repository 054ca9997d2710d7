package dev.allotment.services.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.services.errors.ErrorBody;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.order.OrderRules;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the JSON of {@code POST /orders} into an OrderPlaced, or a 400 naming every bad field (422 when all that is wrong
 * is over a limit, such as an order of more lines than {@link Limits#maxLines()}).
 */
public final class OrderRequests {
    private OrderRequests() {}

    public static OrderPlaced placed(String body, Instant now, Limits limits) {
        JsonNode json = JsonInput.parse(body);
        JsonInput in = new JsonInput();
        String orderId = in.requiredString(json, "order_id", "order_id");
        String orderNumber = in.optionalString(json, "order_number", "order_number");
        String channel = in.optionalString(json, "channel", "channel");
        Integer priority = in.wholeNumber(json, "priority", "priority", 0);
        Instant placedAt = placedAt(in, json, now);
        List<OrderLine> lines = new ArrayList<>();
        Map<String, String> holds = new java.util.LinkedHashMap<>();   // line id to the cart hold it converts
        List<JsonNode> items = in.array(json, "lines", "lines");
        Optional<String> tooMany = limits.linesProblem(items.size());
        if (tooMany.isPresent()) {   // refused before its lines are read
            throw InvalidRequestException.overLimit(List.of(new ErrorBody.FieldError("lines", tooMany.get())));
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = "lines[" + i + "].";
            if (!item.isObject()) {
                in.error("lines[" + i + "]", "must be an object");
                continue;
            }
            String lineId = in.requiredString(item, "line_id", at + "line_id");
            String sku = in.requiredSku(item, "sku", at + "sku");
            Integer quantity = in.wholeNumber(item, "quantity", at + "quantity", null);
            String holdId = in.optionalString(item, "hold_id", at + "hold_id");
            lines.add(new OrderLine(lineId, sku, quantity == null ? 0 : quantity));
            if (holdId != null && lineId != null) {
                holds.put(lineId, holdId);
            }
        }
        in.check();
        OrderPlaced placed = OrderPlaced.newBuilder().setOrderId(orderId).setOrderNumber(orderNumber)
            .setChannel(channel == null || channel.isBlank() ? "default" : channel)
            .setPriority(priority).setPlacedAt(placedAt).setLines(lines).setLineHolds(holds.isEmpty() ? null : holds).build();
        List<String> violations = OrderRules.violations(placed, limits);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations.stream().map(v -> {
                int colon = v.indexOf(": ");
                return new ErrorBody.FieldError(v.substring(0, colon), v.substring(colon + 2));
            }).toList());
        }
        return placed;
    }

    private static Instant placedAt(JsonInput in, JsonNode json, Instant now) {
        String text = in.optionalString(json, "placed_at", "placed_at");
        if (text == null) {
            return now;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            in.error("placed_at", "must be an ISO-8601 instant such as 2026-11-25T10:00:00Z");
            return now;
        }
    }

    /** The optional reason of {@code POST /orders/{id}/cancel}. */
    public static String cancelReason(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonInput in = new JsonInput();
        String reason = in.optionalString(JsonInput.parse(body), "reason", "reason");
        in.check();
        return reason;
    }
}
