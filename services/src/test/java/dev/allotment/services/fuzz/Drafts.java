package dev.allotment.services.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A valid request for each route of the edge, made from what the model knows (its orders, locations, allocation
 * requests and allocation ids), with the contract that says what it changes when accepted. {@link RequestFuzzer} mutates
 * them. A route the router lists without a draft here fails the fuzz test.
 */
final class Drafts {
    static final String WH1 = "fz-wh-1";
    static final String WH2 = "fz-wh-2";
    static final String SUPPLIER = "fz-sup-1";
    static final List<String> WAREHOUSES = List.of(WH1, WH2);
    static final List<String> SKUS = List.of("FZ-A", "FZ-B", "FZ-C", "FZ-D", "FZ-E", "FZ-F");
    /** Channels set up before the fuzz: web allocates from the warehouses, drop asks the supplier, manual waits. */
    static final Map<String, List<String>> CHANNELS = Map.of("fz-web", WAREHOUSES, "fz-drop", List.of(SUPPLIER), "fz-manual", List.of());
    private static final java.util.Set<String> OPEN = java.util.Set.of("allocated", "sent", "failed", "timed-out", "backordered");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** A request before it is mutated: path ids (decoded), query, body, and how to read its effect from what is sent. */
    static final class Draft {
        final String method;
        final String template;
        final List<String> ids = new ArrayList<>();
        final Map<String, List<String>> query = new LinkedHashMap<>();
        ObjectNode body;
        /** The body when the route takes a JSON array instead of an object (then {@link #body} is null). */
        ArrayNode items;
        /** The effect if accepted, from the path ids and the body bytes as sent. */
        Function<Sent, Effect> contract = s -> Effect.NONE;

        Draft(String method, String template, String... ids) {
            this.method = method;
            this.template = template;
            this.ids.addAll(List.of(ids));
        }

        Draft query(String name, Object value) {
            if (value != null) {
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString());
            }
            return this;
        }
    }

    /** What was sent, for the contract: the path ids as the edge decodes them, and the body's bytes. */
    record Sent(List<String> ids, byte[] body) {}

    private final Random random;
    private final FuzzModel model;
    private final Contract contract;
    private final String tag;
    private final Map<String, Supplier<Draft>> byRoute = new LinkedHashMap<>();
    private int made;

    Drafts(Random random, FuzzModel model, Contract contract, String tag) {
        this.random = random;
        this.model = model;
        this.contract = contract;
        this.tag = tag;
        orders();
        locationsAndRouting();
        stock();
        allocations();
        requests();
        operations();
    }

    /** The routes a draft can be made for, as the router spells them ({@code "METHOD template"}), HEAD included. */
    java.util.Set<String> routes() {
        java.util.Set<String> routes = new java.util.TreeSet<>(byRoute.keySet());
        byRoute.keySet().stream().filter(r -> r.startsWith("GET ")).forEach(r -> routes.add("HEAD " + r.substring(4)));
        return routes;
    }

    Draft draft(String route) {
        Supplier<Draft> maker = byRoute.get(route.startsWith("HEAD ") ? "GET " + route.substring(5) : route);
        if (maker == null) {
            throw new IllegalArgumentException("no draft for " + route);
        }
        Draft d = maker.get();
        return route.startsWith("HEAD ") ? withMethod(d, "HEAD") : d;
    }

    private static Draft withMethod(Draft d, String method) {
        Draft head = new Draft(method, d.template, d.ids.toArray(String[]::new));
        head.query.putAll(d.query);
        return head;
    }

    private void route(String route, Supplier<Draft> maker) {
        byRoute.put(route, maker);
    }

    // --- orders ---

    private void orders() {
        route("POST /orders", () -> {
            Draft d = new Draft("POST", "/orders");
            d.body = placement();
            d.contract = s -> Contract.read(() -> contract.placeOrder(s.body()));
            return d;
        });
        route("POST /orders/{orderId}/cancel", () -> {
            Draft d = new Draft("POST", "/orders/{}/cancel", knownOrder());
            d.body = random.nextInt(4) == 0 ? null : object("reason", pick(List.of("customer request", "fraud", "")));
            d.contract = s -> Contract.read(() -> contract.cancel(s.ids().get(0), s.body()));
            return d;
        });
        route("POST /orders/{orderId}/lines", () -> {
            String order = knownOrder();
            Draft d = new Draft("POST", "/orders/{}/lines", order);
            String lineId = random.nextInt(4) == 0 ? pick(lineIdsOf(order)) : "fz-l-" + tag + "-" + (++made);
            d.body = object("line_id", lineId).put("sku", pick(SKUS)).put("quantity", 1 + random.nextInt(5));
            d.contract = s -> Contract.read(() -> contract.addLine(s.ids().get(0), s.body()));
            return d;
        });
        route("PATCH /orders/{orderId}/lines/{lineId}", () -> {
            String order = knownOrder();
            Draft d = new Draft("PATCH", "/orders/{}/lines/{}", order, pick(lineIdsOf(order)));
            d.body = object("reason", "customer edit").put("quantity", random.nextInt(7));
            d.contract = s -> Contract.read(() -> contract.changeLine(s.ids().get(0), s.ids().get(1), s.body()));
            return d;
        });
        route("POST /orders/{orderId}/lines/{lineId}/cancel", () -> {
            String order = knownOrder();
            Draft d = new Draft("POST", "/orders/{}/lines/{}/cancel", order, pick(lineIdsOf(order)));
            d.body = random.nextInt(3) == 0 ? null : object("reason", "customer edit");
            d.contract = s -> Contract.read(() -> contract.cancelLine(s.ids().get(0), s.ids().get(1), s.body()));
            return d;
        });
        route("POST /holds", () -> {
            Draft d = new Draft("POST", "/holds");
            d.body = object("hold_id", "fz-h-" + tag + "-" + random.nextInt(20)).put("sku", pick(SKUS))
                .put("quantity", 1 + random.nextInt(4)).put("channel", pick(List.of("fz-web", "fz-drop", "fz-manual")))
                .put("ttl_seconds", pick(List.of(1, 2, 30, 600)));
            d.contract = s -> Contract.read(() -> contract.hold(s.body()));
            return d;
        });
        route("POST /holds/{holdId}/release", () -> {
            Draft d = new Draft("POST", "/holds/{}/release", "fz-h-" + tag + "-" + random.nextInt(20));
            d.body = object("sku", pick(SKUS));
            d.contract = s -> Contract.read(() -> contract.releaseHold(s.body()));
            return d;
        });
        route("GET /orders/{orderId}{?as_of}", () -> new Draft("GET", "/orders/{}", knownOrder())
            .query("as_of", random.nextInt(4) == 0 ? pick(List.of(Instant.now().toString(), "2020-01-01T00:00:00Z", "yesterday")) : null));
        route("GET /orders/{orderId}/events", () -> new Draft("GET", "/orders/{}/events", knownOrder()));
        route("GET /reservations", () -> new Draft("GET", "/reservations").query("limit", maybe(1 + random.nextInt(100)))
            .query("cursor", maybe(cursor())));
    }

    /** A new order, or (at times) one placed before, with its lines or other ones. */
    private ObjectNode placement() {
        boolean again = random.nextInt(8) == 0 && !model.orders.isEmpty();
        String id = again ? pick(new ArrayList<>(model.orders.keySet())) : "fz-o-" + tag + "-" + (++made);
        ObjectNode order = object("order_id", id);
        String channel = pick(List.of("fz-web", "fz-web", "fz-drop", "fz-drop", "fz-manual", ""));
        if (!channel.isEmpty()) {
            order.put("channel", channel);
        }
        if (random.nextBoolean()) {
            order.put("order_number", "N" + made);
        }
        if (random.nextBoolean()) {
            order.put("priority", random.nextInt(4));
        }
        ArrayNode lines = order.putArray("lines");
        if (again && random.nextBoolean()) {
            model.orders.get(id).forEach(l -> lines.add(object("line_id", l.lineId()).put("sku", l.sku()).put("quantity", l.quantity())));
            return order;
        }
        int n = 1 + random.nextInt(3);
        for (int i = 1; i <= n; i++) {
            ObjectNode line = object("line_id", "l-" + i).put("sku", pick(SKUS));
            if (random.nextInt(5) == 0) {
                line.put("quantity", Integer.toString(1 + random.nextInt(4)));   // quoted, as the seeds send them
            } else {
                line.put("quantity", 1 + random.nextInt(4));
            }
            lines.add(line);
        }
        return order;
    }

    // --- locations and routing ---

    private void locationsAndRouting() {
        route("PUT /locations/{id}", () -> {
            boolean fresh = random.nextInt(3) == 0;
            String id = fresh ? "fz-loc-" + tag + "-" + (++made) : pick(new ArrayList<>(model.locations.keySet()));
            Draft d = new Draft("PUT", "/locations/{}", id);
            Effect.Location known = model.locations.get(id);
            d.body = object("name", known == null ? "Fuzz " + made : known.name());
            d.body.put("kind", known == null ? pick(List.of("WAREHOUSE", "STORE", "SUPPLIER")) : known.kind());
            d.body.put("confirm_mode", known == null ? "DIRECT" : known.confirmMode());
            if (known != null && known.confirmTimeoutSeconds() != null) {
                d.body.put("confirm_timeout_seconds", known.confirmTimeoutSeconds());
            }
            d.body.put("tracks_stock", known == null || known.tracksStock());
            if (random.nextInt(6) == 0) {
                d.body.put("webhook_url", pick(List.of("http://127.0.0.1:1/hook", "ftp://files.invalid/x", "http://169.254.169.254/",
                    "not a url", "http://[::1]/")));
            }
            d.contract = s -> Contract.read(() -> contract.location(s.ids().get(0), s.body(), model.locations.get(s.ids().get(0))));
            return d;
        });
        route("GET /locations/{id}", () -> new Draft("GET", "/locations/{}", random.nextInt(5) == 0 ? "fz-no-such-location"
            : pick(new ArrayList<>(model.locations.keySet()))));
        route("GET /locations", () -> new Draft("GET", "/locations"));
        route("PUT /channels/{channel}/routing", () -> {
            boolean core = random.nextBoolean();
            String channel = core ? pick(new ArrayList<>(CHANNELS.keySet())) : "fz-ch-" + random.nextInt(5);
            Draft d = new Draft("PUT", "/channels/{}/routing", channel);
            List<String> locations = core ? CHANNELS.get(channel) : sample(new ArrayList<>(model.locations.keySet()), 3);
            ArrayNode list = (d.body = NODES.objectNode()).putArray("locations");
            locations.forEach(list::add);
            d.contract = s -> Contract.read(() -> contract.routing(s.ids().get(0), s.body(), model.locations.keySet()));
            return d;
        });
        route("GET /channels/{channel}/routing", () -> new Draft("GET", "/channels/{}/routing",
            pick(List.of("fz-web", "fz-drop", "fz-manual", "fz-ch-1", "fz-none"))));
    }

    // --- stock ---

    private void stock() {
        route("PUT /stock/{locationId}/{sku}", () -> {
            Draft d = new Draft("PUT", "/stock/{}/{}", random.nextInt(8) == 0 ? pick(new ArrayList<>(model.locations.keySet()))
                : pick(WAREHOUSES), pick(SKUS));
            d.body = NODES.objectNode().put("physical", 5 + random.nextInt(40));
            if (random.nextInt(3) == 0) {
                d.body.put("incoming", random.nextInt(10));
            }
            d.contract = s -> Contract.read(() -> contract.setStock(s.ids().get(0), s.ids().get(1), s.body(), model.locations.keySet()));
            return d;
        });
        route("POST /stock/adjustments", () -> {
            Draft d = new Draft("POST", "/stock/adjustments");
            ArrayNode list = (d.body = NODES.objectNode()).putArray("adjustments");
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                int delta = random.nextInt(4) == 0 ? -(1 + random.nextInt(3)) : 1 + random.nextInt(8);
                list.add(object("location_id", pick(WAREHOUSES)).put("sku", pick(SKUS)).put("delta", delta).put("reason", "fuzz"));
            }
            d.contract = s -> Contract.read(() -> contract.adjust(s.body(), model.locations.keySet()));
            return d;
        });
        route("GET /stock/{sku}", () -> new Draft("GET", "/stock/{}", random.nextInt(6) == 0 ? "FZ-NONE" : pick(SKUS)));
        // incoming batches: the model does not follow incoming stock (no invariant it checks reads it)
        route("PUT /stock/{locationId}/{sku}/incoming", () -> {
            Draft d = new Draft("PUT", "/stock/{}/{}/incoming", pick(WAREHOUSES), pick(SKUS));
            d.items = NODES.arrayNode();
            for (int i = 0, n = random.nextInt(4); i < n; i++) {
                d.items.add(object("expected_at", Instant.parse("2030-01-01T00:00:00Z").plusSeconds(86_400L * random.nextInt(60))
                    .toString()).put("quantity", 1 + random.nextInt(20)));
            }
            return d;
        });
        route("GET /stock/{sku}/atp", () -> new Draft("GET", "/stock/{}/atp", random.nextInt(6) == 0 ? "FZ-NONE" : pick(SKUS))
            .query("until", maybe(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(86_400L * random.nextInt(60)))));
        route("GET /stock", () -> new Draft("GET", "/stock").query("location_id", maybe(pick(WAREHOUSES)))
            .query("limit", maybe(1 + random.nextInt(100))).query("cursor", maybe(cursor())));
    }

    // --- allocations: Veeqo, Envoy ---

    private void allocations() {
        route("POST /orders/{orderId}/allocations", () -> {
            String order = knownOrder();
            Draft d = new Draft("POST", "/orders/{}/allocations", order);
            ObjectNode allocation = (d.body = NODES.objectNode()).putObject("allocation").put("warehouse_id", pick(WAREHOUSES));
            ArrayNode items = allocation.putArray("line_items_attributes");
            skusOf(order).forEach(sku -> items.add(object("sellable_id", sku).put("quantity", 1 + random.nextInt(2))));
            d.contract = s -> new Effect.Command(order);
            return d;
        });
        route("GET /allocations/orders/{orderId}", () -> new Draft("GET", "/allocations/orders/{}", knownOrder()));
        route("POST /allocations/orders/{orderId}", () -> {
            String order = knownOrder();
            Draft d = new Draft("POST", "/allocations/orders/{}", order);
            ArrayNode allocations = (d.body = NODES.objectNode()).putArray("allocations");
            for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
                ObjectNode a = NODES.objectNode();
                a.putObject("location").put("id", pick(WAREHOUSES));
                ArrayNode items = a.putArray("items");
                skusOf(order).forEach(sku -> items.add(object("id", sku).put("quantity", 1)));
                allocations.add(a);
            }
            d.contract = s -> new Effect.Command(order);
            return d;
        });
        route("PATCH /allocations/orders/{orderId}", () -> {
            String order = pick(new ArrayList<>(model.allocationIds.keySet().isEmpty() ? List.of(knownOrder()) : model.allocationIds.keySet()));
            Draft d = new Draft("PATCH", "/allocations/orders/{}", order);
            ObjectNode change = object("id", pick(new ArrayList<>(model.allocationIds.getOrDefault(order, java.util.Set.of("al-none")))));
            if (random.nextInt(3) == 0) {
                change.put("completed_at", Instant.now().toString());
            } else {
                ArrayNode items = change.putArray("items");
                skusOf(order).forEach(sku -> items.add(object("id", sku).put("quantity", random.nextInt(3))));
            }
            (d.body = NODES.objectNode()).putArray("allocations").add(change);
            d.contract = s -> new Effect.Command(order);
            return d;
        });
        route("DELETE /allocations/orders/{orderId}", () -> {
            String order = knownOrder();
            Draft d = new Draft("DELETE", "/allocations/orders/{}", order);
            d.contract = s -> new Effect.Command(order);
            return d;
        });
        route("GET /allocations", () -> {
            Draft d = new Draft("GET", "/allocations").query("location_id", maybe(pick(WAREHOUSES)))
                .query("limit", maybe(1 + random.nextInt(100))).query("cursor", maybe(cursor()));
            for (int i = random.nextInt(3); i > 0; i--) {
                d.query("order_id", knownOrder());
            }
            return d;
        });
    }

    // --- allocation requests: Centra, Crux ---

    private void requests() {
        route("GET /allocation-requests", () -> new Draft("GET", "/allocation-requests")
            .query("status", maybe(pick(List.of("all", "allocated", "sent,failed", "confirmed", "allocated,timed-out,backordered"))))
            .query("order", random.nextInt(4) == 0 ? knownOrder() : null).query("warehouse", maybe(SUPPLIER))
            .query("page", random.nextInt(5) == 0 ? 1 + random.nextInt(2) : null));
        route("GET /allocation-requests/{id}", () -> new Draft("GET", "/allocation-requests/{}", knownRequest()));
        route("POST /allocation-requests/{id}/confirm", () -> {
            String id = knownRequest();
            Draft d = new Draft("POST", "/allocation-requests/{}/confirm", id);
            d.body = random.nextBoolean() ? NODES.objectNode() : null;
            d.contract = s -> new Effect.Command(orderOfRequest(id));
            return d;
        });
        route("POST /allocation-requests/{id}/reject", () -> {
            String id = knownRequest();
            Draft d = new Draft("POST", "/allocation-requests/{}/reject", id);
            d.body = random.nextBoolean() ? object("reason", "out of stock") : null;
            d.contract = s -> new Effect.Command(orderOfRequest(id));
            return d;
        });
        route("POST /allocation-requests/{id}/complete", () -> {
            String id = knownRequest();
            Draft d = new Draft("POST", "/allocation-requests/{}/complete", id);
            d.contract = s -> new Effect.Command(orderOfRequest(id));
            return d;
        });
        route("PUT /orders/allocation/{orderId}{/slash}", this::cruxAnswer);
    }

    private Draft cruxAnswer() {
        FuzzModel.RequestSeen request = model.requests.isEmpty() ? null : model.requests.get(knownRequest());
        String order = request == null ? knownOrder() : request.orderId();
        Draft d = new Draft("PUT", random.nextInt(4) == 0 ? "/orders/allocation/{}" : "/orders/allocation/{}/", order);
        ArrayNode items = (d.body = NODES.objectNode()).putArray("line_items");
        boolean next = random.nextBoolean();
        for (JsonNode line : request == null ? List.<JsonNode>of() : request.lines()) {
            int quantity = line.path("quantity").asInt();
            int rejected = random.nextInt(4) == 0 ? quantity : 0;
            ObjectNode answer = NODES.objectNode();
            if (next) {
                answer.put("quantity_ordered", quantity).put("quantity_allocated", quantity - rejected).put("quantity_backordered", 0)
                    .put("quantity_rejected", rejected);
            } else {
                answer.put("quantity_accepted", Integer.toString(quantity - rejected)).put("quantity_rejected", rejected);
            }
            ObjectNode item = object("line_item_uuid", line.path("lineId").asText());
            item.set("allocation", answer);
            items.add(item);
        }
        d.contract = s -> new Effect.Command(order);
        return d;
    }

    // --- commands, health, metrics ---

    private void operations() {
        route("GET /commands/{commandId}", () -> {
            if (!model.commandPaths.isEmpty() && random.nextBoolean()) {
                String path = pick(model.commandPaths);
                int q = path.indexOf("?sku=");
                return new Draft("GET", "/commands/{}", java.net.URLDecoder.decode(path.substring("/commands/".length(), q),
                    java.nio.charset.StandardCharsets.UTF_8)).query("sku", java.net.URLDecoder.decode(path.substring(q + 5),
                    java.nio.charset.StandardCharsets.UTF_8));
            }
            return new Draft("GET", "/commands/{}", "fz-unknown-command:1").query("sku", pick(SKUS));
        });
        route("GET /health", () -> new Draft("GET", "/health"));
        route("GET /health/{selector}", () -> new Draft("GET", "/health/{}", pick(List.of("liveness", "readiness", "other"))));
        route("GET /prometheus", () -> new Draft("GET", "/prometheus"));
        route("GET /admin/transactions", () -> new Draft("GET", "/admin/transactions"));
        route("GET /admin/instance", () -> new Draft("GET", "/admin/instance"));
        route("POST /admin/allocation-requests/{requestId}/resend", () -> {
            String id = knownRequest();
            Draft d = new Draft("POST", "/admin/allocation-requests/{}/resend", id);
            d.contract = s -> new Effect.Command(orderOfRequest(id));
            return d;
        });
        // what another instance asks (the cluster secret's): keyed and list queries, and ones the engine does not know
        route("GET /internal/state/{query}", () -> {
            String query = pick(List.of("order", "history", "lines", "outcome", "stock", "request", "orders", "requests",
                "outcomes", "stocks", "unknown"));
            Draft d = new Draft("GET", "/internal/state/{}", query);
            if (random.nextInt(5) > 0) {
                d.query("key", query.equals("order") || query.equals("history") ? knownOrder() : pick(SKUS));
            }
            if (random.nextBoolean()) {
                d.query("limit", Integer.toString(random.nextInt(20)));
            }
            if (random.nextInt(4) == 0) {
                d.query("stale", "true");
            }
            return d;
        });
        route("POST /admin/drain", () -> {
            // never this instance: the fuzz's engine must keep serving
            Draft d = new Draft("POST", "/admin/drain");
            d.body = random.nextBoolean() ? object("instance", "fz-elsewhere:" + random.nextInt(65536)) : null;
            return d;
        });
    }

    // --- what the model knows ---

    private String knownOrder() {
        return model.orders.isEmpty() || random.nextInt(10) == 0 ? "fz-no-such-order" : pick(new ArrayList<>(model.orders.keySet()));
    }

    /** The order's line ids as the model has them, and one it has not. */
    private List<String> lineIdsOf(String order) {
        List<String> ids = new ArrayList<>(model.orders.getOrDefault(order, List.of()).stream().map(Effect.Line::lineId).toList());
        ids.add("l-none");
        return ids;
    }

    private List<String> skusOf(String order) {
        List<Effect.Line> lines = model.orders.getOrDefault(order, List.of(new Effect.Line("l-1", pick(SKUS), 1)));
        return sample(lines.stream().map(Effect.Line::sku).distinct().toList(), 2);
    }

    /**
     * A request the model has seen, mostly one it last saw open; rarely an unknown one, which the edge waits the command
     * timeout for before its 404.
     */
    private String knownRequest() {
        List<String> open = model.requests.values().stream().filter(r -> OPEN.contains(r.status())).map(FuzzModel.RequestSeen::id).toList();
        if (model.requests.isEmpty() || random.nextInt(30) == 0) {
            return "fz-no-such-request";
        }
        return pick(open.isEmpty() || random.nextInt(4) == 0 ? new ArrayList<>(model.requests.keySet()) : open);
    }

    private String orderOfRequest(String id) {
        FuzzModel.RequestSeen seen = model.requests.get(id);
        return seen == null ? null : seen.orderId();
    }

    private String cursor() {
        return model.cursors.isEmpty() ? null : pick(model.cursors);
    }

    private <T> T maybe(T value) {
        return random.nextBoolean() ? value : null;
    }

    private <T> T pick(List<T> from) {
        return Values.pick(random, from);
    }

    private <T> List<T> sample(List<T> from, int most) {
        List<T> copy = new ArrayList<>(from);
        java.util.Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(copy.size(), 1 + random.nextInt(Math.max(1, most))));
    }

    private static ObjectNode object(String field, String value) {
        return NODES.objectNode().put(field, value);
    }
}
