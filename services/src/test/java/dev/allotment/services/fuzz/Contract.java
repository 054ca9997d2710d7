package dev.allotment.services.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.streams.order.Limits;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The bodies the model follows, read as docs/api.md says the engine reads them: what a request changes if accepted, or
 * {@link Effect.Refused} when the contract refuses it whatever the engine's state (a malformed field, a value past a
 * limit, a location the model knows does not exist). It reads the bytes that were sent, not the tree they came from, so
 * that what the text did to a value (a lone surrogate become '?') is what the model sees.
 */
final class Contract {
    private final int maxLines;
    private final long maxBody;

    Contract(int maxLines, long maxBody) {
        this.maxLines = maxLines;
        this.maxBody = maxBody;
    }

    /** Signals a field the contract refuses: the reading stops with {@link Effect.Refused}. */
    private static final class Refusal extends RuntimeException {
        Refusal(String why) {
            super(why, null, false, false);
        }
    }

    /** The JSON object sent, or a refusal: a body past the size limit, not JSON, not an object. */
    JsonNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw new Refusal("no body");
        }
        if (body.length > maxBody) {
            throw new Refusal("body larger than the limit");
        }
        JsonNode node;
        try {
            node = JsonMutator.JSON.readTree(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new Refusal("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new Refusal("not a JSON object");
        }
        return node;
    }

    /** Reads with {@code reader}; a refusal becomes {@link Effect.Refused}. */
    static Effect read(java.util.function.Supplier<Effect> reader) {
        try {
            return reader.get();
        } catch (Refusal r) {
            return new Effect.Refused(r.getMessage());
        }
    }

    Effect placeOrder(byte[] body) {
        JsonNode json = object(body);
        String orderId = id(json, "order_id");
        text(json, "order_number");
        String channel = text(json, "channel");
        if (channel != null && !channel.isBlank()) {
            idRule(channel, "channel");
        }
        whole(json, "priority", false);
        String placedAt = text(json, "placed_at");
        if (placedAt != null) {
            try {
                Instant.parse(placedAt);
            } catch (DateTimeParseException e) {
                throw new Refusal("placed_at");
            }
        }
        List<JsonNode> items = array(json, "lines");
        if (items.isEmpty() || items.size() > maxLines) {
            throw new Refusal("lines: " + items.size());
        }
        List<Effect.Line> lines = new ArrayList<>();
        Set<String> lineIds = new HashSet<>();
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw new Refusal("a line is not an object");
            }
            String lineId = id(item, "line_id");
            if (!lineIds.add(lineId)) {
                throw new Refusal("line id twice");
            }
            long quantity = whole(item, "quantity", true);
            if (quantity < 1) {
                throw new Refusal("quantity below 1");
            }
            lines.add(new Effect.Line(lineId, id(item, "sku"), (int) quantity));
        }
        return new Effect.PlaceOrder(orderId, List.copyOf(lines));
    }

    Effect cancel(String orderId, byte[] body) {
        if (body != null && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            text(object(body), "reason");
        }
        return new Effect.CancelOrder(orderId);
    }

    Effect addLine(String orderId, byte[] body) {
        JsonNode json = object(body);
        String lineId = id(json, "line_id");
        String sku = id(json, "sku");
        long quantity = whole(json, "quantity", true);
        if (quantity < 1) {
            throw new Refusal("quantity below 1");
        }
        return new Effect.EditLine(orderId, lineId, sku, (int) quantity);
    }

    Effect changeLine(String orderId, String lineId, byte[] body) {
        JsonNode json = object(body);
        long quantity = whole(json, "quantity", true);
        text(json, "reason");
        if (quantity < 1) {
            throw new Refusal("quantity below 1");
        }
        return new Effect.EditLine(orderId, lineId, null, (int) quantity);
    }

    Effect cancelLine(String orderId, String lineId, byte[] body) {
        if (body != null && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            text(object(body), "reason");
        }
        return new Effect.EditLine(orderId, lineId, null, null);
    }

    /** A cart hold (placed or released): its fields are checked here; what it holds is checked by GET /stock and the audit. */
    Effect hold(byte[] body) {
        JsonNode json = object(body);
        id(json, "hold_id");
        id(json, "sku");
        id(json, "channel");
        if (whole(json, "quantity", true) < 1) {
            throw new Refusal("quantity below 1");
        }
        long ttl = whole(json, "ttl_seconds", true);
        if (ttl < 1 || ttl > 7 * 24 * 3600) {
            throw new Refusal("ttl_seconds out of range");
        }
        return Effect.NONE;
    }

    Effect releaseHold(byte[] body) {
        JsonNode json = object(body);
        id(json, "sku");
        text(json, "reason");
        return Effect.NONE;
    }

    Effect setStock(String locationId, String sku, byte[] body, Set<String> locations) {
        pathId(locationId, "locationId");
        pathId(sku, "sku");
        JsonNode json = object(body);
        long physical = whole(json, "physical", true);
        Long incoming = json.hasNonNull("incoming") ? whole(json, "incoming", true) : null;
        if (physical < 0 || (incoming != null && incoming < 0)) {
            throw new Refusal("negative stock");
        }
        if (!locations.contains(locationId)) {
            throw new Refusal("no location " + locationId);
        }
        return new Effect.SetStock(locationId, sku, (int) physical, incoming == null ? null : incoming.intValue());
    }

    Effect adjust(byte[] body, Set<String> locations) {
        List<JsonNode> items = array(object(body), "adjustments");
        if (items.isEmpty()) {
            throw new Refusal("no adjustments");
        }
        List<Effect.Adjustment> adjustments = new ArrayList<>();
        for (JsonNode item : items) {
            String location = id(item, "location_id");
            String sku = id(item, "sku");
            long delta = whole(item, "delta", true);
            text(item, "reason");
            if (delta == 0) {
                throw new Refusal("delta 0");
            }
            adjustments.add(new Effect.Adjustment(location, sku, (int) delta));
        }
        for (Effect.Adjustment a : adjustments) {
            if (!locations.contains(a.locationId())) {
                throw new Refusal("no location " + a.locationId());
            }
        }
        return new Effect.Adjust(List.copyOf(adjustments));
    }

    /** A PUT /locations body; {@code known} is the location as last accepted (null: new), whose tracking an absent tracks_stock keeps. */
    Effect location(String id, byte[] body, Effect.Location known) {
        pathId(id, "id");
        JsonNode json = object(body);
        String kind = choice(json, "kind", List.of("WAREHOUSE", "STORE", "SUPPLIER"), "WAREHOUSE");
        String mode = choice(json, "confirm_mode", List.of("DIRECT", "CONFIRM"), "DIRECT");
        Integer timeout = json.hasNonNull("confirm_timeout_seconds") ? (int) whole(json, "confirm_timeout_seconds", true) : null;
        JsonNode tracks = json.get("tracks_stock");
        if (tracks != null && !tracks.isNull() && !tracks.isBoolean()) {
            throw new Refusal("tracks_stock");
        }
        String name = text(json, "name");
        String webhook = text(json, "webhook_url");
        if (timeout != null && timeout <= 0) {
            throw new Refusal("confirm_timeout_seconds");
        }
        if (webhook != null && !webhook.isBlank()) {
            throw new Refusal("webhook_url: the fuzz sends none the engine may call");
        }
        boolean tracksStock = tracks == null || tracks.isNull() ? known == null || known.tracksStock() : tracks.asBoolean();
        return new Effect.Location(id, name, kind, mode, timeout, tracksStock, webhook);
    }

    Effect routing(String channel, byte[] body, Set<String> locations) {
        pathId(channel, "channel");
        List<String> ids = new ArrayList<>();
        for (JsonNode item : array(object(body), "locations")) {
            if (!item.isTextual() || !locations.contains(item.asText()) || ids.contains(item.asText())) {
                throw new Refusal("locations: " + item);
            }
            ids.add(item.asText());
        }
        return new Effect.Routing(channel, List.copyOf(ids));
    }

    // --- fields, as JsonInput reads them ---

    private static String id(JsonNode parent, String name) {
        String value = text(parent, name);
        if (value == null) {
            throw new Refusal(name + " required");
        }
        idRule(value, name);
        return value;
    }

    private static void idRule(String value, String name) {
        if (value.isBlank() || rule(value, name).isPresent()) {
            throw new Refusal(name + " breaks the id rule");
        }
    }

    /** The id rule, and for a SKU no shard mark ({@link Limits#skuProblem}). */
    private static Optional<String> rule(String value, String name) {
        return name.equals("sku") ? Limits.skuProblem(value) : Limits.idProblem(value);
    }

    /** A path variable of a PUT: held to the whole id rule. */
    private static void pathId(String value, String name) {
        if (value == null || rule(value, name).isPresent()) {
            throw new Refusal(name + " in the path breaks the id rule");
        }
    }

    private static String text(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() && !node.isIntegralNumber()) {
            throw new Refusal(name + " is not a string");
        }
        if (Limits.textProblem(node.asText()).isPresent()) {
            throw new Refusal(name + " too long");
        }
        return node.asText();
    }

    private static String choice(JsonNode parent, String name, List<String> allowed, String fallback) {
        String value = text(parent, name);
        if (value == null) {
            return fallback;
        }
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw new Refusal(name);
        }
        return upper;
    }

    /** A whole number (a JSON number or a quoted one) within the limits; {@code Long.MIN_VALUE} when absent and optional. */
    private static long whole(JsonNode parent, String name, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw new Refusal(name + " required");
            }
            return Long.MIN_VALUE;
        }
        BigDecimal value;
        try {
            value = node.isTextual() ? new BigDecimal(node.asText().trim()) : node.isNumber() ? node.decimalValue() : null;
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null || value.stripTrailingZeros().scale() > 0 || value.abs().compareTo(BigDecimal.valueOf(Limits.MAX_QUANTITY)) > 0) {
            throw new Refusal(name + " is not a whole number within the limits");
        }
        return value.longValueExact();
    }

    private static List<JsonNode> array(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        if (node == null || !node.isArray()) {
            throw new Refusal(name + " is not an array");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }
}
