package dev.allotment.services.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the engine accepted, as the fuzz saw it answered: orders and their lines, cancellations, locations, routings and
 * the stock each count and adjustment set; and what the answers taught it to name in later requests (allocation
 * requests, allocation ids, cursors, command ids). At the end the engine's state must equal it.
 */
public final class FuzzModel {
    /** A place stock is counted: a SKU at a location. */
    public record Place(String locationId, String sku) {}

    /** The stock at a place as the accepted counts and adjustments say, and when it was last counted (by the fuzz's clock). */
    public static final class Stock {
        public long physical;
        public Instant countedAt;
    }

    /** A location's tracking as accepted, from a request sent at {@code sentAt} (the engine saw it before its answer). */
    public record TrackingSwitch(Instant sentAt, boolean tracks) {}

    /** An allocation request as an answer described it. */
    public record RequestSeen(String id, String orderId, String locationId, String status, List<JsonNode> lines) {}

    public final Map<String, List<Effect.Line>> orders = new TreeMap<>();
    public final Set<String> cancelled = new LinkedHashSet<>();
    /** Order ids a refused placement named, that no placement ever got accepted with. */
    public final Set<String> refusedOrderIds = new LinkedHashSet<>();
    public final Map<String, Effect.Location> locations = new TreeMap<>();
    /** Per location, each accepted change of whether it tracks stock (its first description among them), in order. */
    public final Map<String, List<TrackingSwitch>> trackingSwitches = new TreeMap<>();
    public final Map<String, List<String>> routing = new TreeMap<>();
    public final Map<Place, Stock> stock = new LinkedHashMap<>();
    public final Map<String, RequestSeen> requests = new LinkedHashMap<>();
    public final Map<String, Set<String>> allocationIds = new LinkedHashMap<>();
    public final List<String> cursors = new ArrayList<>();
    public final List<String> commandPaths = new ArrayList<>();
    /** Order lines ({@code order/line}) whose cancellation was accepted. */
    public final Set<String> cancelledLines = new java.util.HashSet<>();

    /** Applies an accepted request's effect, from a request sent at {@code sentAt}. */
    public void accepted(Effect effect, Instant sentAt) {
        if (effect instanceof Effect.PlaceOrder p) {
            orders.putIfAbsent(p.orderId(), p.lines());
            refusedOrderIds.remove(p.orderId());
        } else if (effect instanceof Effect.CancelOrder c) {
            cancelled.add(c.orderId());
        } else if (effect instanceof Effect.EditLine e && orders.containsKey(e.orderId())) {
            edited(e);
        } else if (effect instanceof Effect.SetStock s) {
            Stock at = stock.computeIfAbsent(new Place(s.locationId(), s.sku()), k -> new Stock());
            at.physical = s.physical();
            at.countedAt = sentAt;
        } else if (effect instanceof Effect.Adjust a) {
            a.adjustments().forEach(this::adjusted);
        } else if (effect instanceof Effect.Location l) {
            Effect.Location before = locations.put(l.id(), l);
            if (before == null || before.tracksStock() != l.tracksStock()) {
                trackingSwitches.computeIfAbsent(l.id(), k -> new ArrayList<>()).add(new TrackingSwitch(sentAt, l.tracksStock()));
            }
        } else if (effect instanceof Effect.Routing r) {
            routing.put(r.channel(), r.locations());
        }
    }

    /** An accepted edit: a line added, its quantity changed, or (quantity null) cancelled, its quantity then unknown here. */
    private void edited(Effect.EditLine e) {
        List<Effect.Line> lines = new ArrayList<>(orders.get(e.orderId()));
        if (e.sku() != null) {
            if (lines.stream().noneMatch(l -> l.lineId().equals(e.lineId()))) {
                lines.add(new Effect.Line(e.lineId(), e.sku(), e.quantity()));
            }
        } else if (e.quantity() != null) {
            lines.replaceAll(l -> l.lineId().equals(e.lineId()) ? new Effect.Line(l.lineId(), l.sku(), e.quantity()) : l);
        } else {
            cancelledLines.add(e.orderId() + "/" + e.lineId());   // what stays of it (what shipped) is not followed here
        }
        orders.put(e.orderId(), List.copyOf(lines));
    }

    public void adjusted(Effect.Adjustment a) {
        stock.computeIfAbsent(new Place(a.locationId(), a.sku()), k -> new Stock()).physical += a.delta();
    }

    /** A refused request: a placement's order id is remembered, unless an accepted placement holds it. */
    public void refused(Effect effect) {
        if (effect instanceof Effect.PlaceOrder p && !orders.containsKey(p.orderId())) {
            refusedOrderIds.add(p.orderId());
        }
    }

    /** Learns what an answer names: allocation requests, allocation ids, cursors. */
    public void learn(JsonNode answer) {
        if (answer == null || !answer.isContainerNode()) {
            return;
        }
        for (JsonNode r : answer.path("allocation_requests")) {
            request(r);
        }
        request(answer.path("allocation_request"));
        for (JsonNode a : answer.path("data")) {
            String order = a.path("order").path("id").asText(null);
            String id = a.path("id").asText(null);
            if (order != null && id != null && a.has("items")) {
                allocationIds.computeIfAbsent(order, k -> new LinkedHashSet<>()).add(id);
            }
        }
        for (JsonNode a : answer.path("allocations")) {   // Veeqo's answer
            if (a.path("id").isTextual() && a.path("order_id").isTextual()) {
                allocationIds.computeIfAbsent(a.path("order_id").asText(), k -> new LinkedHashSet<>()).add(a.path("id").asText());
            }
        }
        for (String cursor : List.of("next_cursor", "previous_cursor")) {
            if (answer.path(cursor).isTextual() && cursors.size() < 200) {
                cursors.add(answer.path(cursor).asText());
            }
        }
    }

    private void request(JsonNode r) {
        if (r.path("id").isTextual()) {
            List<JsonNode> lines = new ArrayList<>();
            r.path("lines").forEach(lines::add);
            requests.put(r.path("id").asText(), new RequestSeen(r.path("id").asText(), r.path("order").path("id").asText(),
                r.path("warehouseId").asText(), r.path("status").asText(), lines));
        }
    }
}
