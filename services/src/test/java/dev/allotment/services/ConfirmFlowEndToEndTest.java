package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Direct, then confirm against a real broker and registry, with a local HTTP receiver as the supplier:
 * the webhook arrives, the supplier answers with Crux's PUT (accepted, backordered, rejected), and the
 * order's projection, the stock levels and Centra's GET /allocation-requests agree afterwards; a receiver
 * that is down makes the request failed, and a REST confirmation still completes it.
 */
@ExtendWith(RealInfrastructure.class)
class ConfirmFlowEndToEndTest {
    static final String ADMIN = "cf-admin";
    static final String SUPPLIER = "cf-supplier";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, Queue<JsonNode>> RECEIVED = new ConcurrentHashMap<>();
    static HttpServer receiver;
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            RECEIVED.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new ConcurrentLinkedQueue<>())
                .add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        engine = TestEngine.start("e2e-confirm.", Map.of(
            "allotment.api-keys", ADMIN + "=admin," + SUPPLIER + "=supplier:sup-a",
            "allotment.webhooks.secret", "cf-secret",
            "allotment.webhooks.allowed-hosts", "127.0.0.1",
            "allotment.webhooks.max-attempts", 3,
            "allotment.webhooks.initial-backoff", "20ms",
            "allotment.webhooks.max-backoff", "50ms"));
        http = engine.http();
        location("sup-a", "Supplier A", true, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/sup-a");
        location("sup-b", "Supplier B", true, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/sup-b");
        ok(admin("PUT", "/channels/cf/routing", "{\"locations\":[\"sup-a\",\"sup-b\"]}"));
        for (String sku : List.of("CF-X", "CF-Y", "CF-Z")) {
            stock("sup-a", sku, 10);
        }
        // sup-b tracks stock too: while the global stock view trails, no location looks able to fill the whole order,
        // so the routing's rank decides (an untracked sup-b would look able to fill anything)
        stock("sup-b", "CF-Z", 10);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void theSupplierIsNotifiedAnswersWithCruxAndEveryViewAgrees() throws Exception {
        place("cf-1", "cf", "{\"line_id\":\"l-1\",\"sku\":\"CF-X\",\"quantity\":5},{\"line_id\":\"l-2\",\"sku\":\"CF-Y\",\"quantity\":4},"
            + "{\"line_id\":\"l-3\",\"sku\":\"CF-Z\",\"quantity\":2}");
        await().atMost(Duration.ofSeconds(30)).until(() -> webhooks("/sup-a", "cf-1").size() == 3);
        JsonNode hook = webhooks("/sup-a", "cf-1").get(0);
        String requestId = hook.path("allocation_request").path("id").asText();
        assertEquals("sup-a", hook.path("allocation_request").path("warehouseId").asText());
        await().atMost(Duration.ofSeconds(20)).until(() ->
            supplier("GET", "/allocation-requests/" + requestId, null).json().path("allocation_request").path("status").asText().equals("sent"));

        // quantities that do not add up: 422 naming the line, nothing applied
        Http.Reply wrong = supplier("PUT", "/orders/allocation/cf-1/", "{\"line_items\":[{\"line_item_uuid\":\"l-1\","
            + "\"allocation\":{\"quantity_accepted\":\"4\",\"quantity_rejected\":\"0\",\"quantity_backordered\":\"0\"}}]}");
        assertEquals(422, wrong.status(), wrong.body());
        assertTrue(wrong.body().contains("l-1"), wrong.body());
        // a backorder date that is not a date: 422 naming the field, nothing applied
        Http.Reply notADate = supplier("PUT", "/orders/allocation/cf-1/", "{\"line_items\":[{\"line_item_uuid\":\"l-2\","
            + "\"allocation\":{\"quantity_ordered\":4,\"quantity_allocated\":2,\"quantity_rejected\":0,\"quantity_backordered\":2,"
            + "\"backorder_date\":\"next week\"}}]}");
        assertEquals(422, notADate.status(), notADate.body());
        assertEquals("invalid_date", notADate.json().path("error").asText(), notADate.body());
        assertEquals("line_items[0].allocation.backorder_date", notADate.json().path("fields").get(0).path("field").asText());
        assertEquals("sent", supplier("GET", "/allocation-requests/" + requestId, null).json().path("allocation_request")
            .path("status").asText(), "nothing applied");

        Http.Reply answered = supplier("PUT", "/orders/allocation/cf-1/", "{\"line_items\":["
            + "{\"line_item_uuid\":\"l-1\",\"allocation\":{\"quantity_accepted\":\"5\",\"quantity_rejected\":\"0\",\"quantity_backordered\":\"0\"}},"
            + "{\"line_item_uuid\":\"l-2\",\"allocation\":{\"quantity_accepted\":\"2\",\"quantity_rejected\":\"0\",\"quantity_backordered\":\"2\","
            + "\"backorder_date\":\"2030-01-10\"}},"
            + "{\"line_item_uuid\":\"l-3\",\"allocation\":{\"quantity_accepted\":0,\"quantity_rejected\":2,\"quantity_backordered\":0}},"
            + "{\"line_item_uuid\":\"no-such-line\",\"allocation\":{\"quantity_accepted\":\"1\",\"quantity_rejected\":\"0\",\"quantity_backordered\":\"0\"}}]}");
        assertEquals(200, answered.status(), answered.body());
        assertEquals(JSON.readTree("[{\"l-1\":\"Allocated\"},{\"l-2\":\"Backordered\"},{\"l-3\":\"Allocated\"},{\"no-such-line\":\"Item Not Found\"}]"),
            answered.json(), "l-3 was rejected and re-routed to sup-b, so it is allocated there");

        // the projection: every line allocated; l-3 now at sup-b, whose own webhook went out
        await().atMost(Duration.ofSeconds(20)).until(() -> webhooks("/sup-b", "cf-1").size() == 1);
        JsonNode order = admin("GET", "/orders/cf-1", null).json();
        for (JsonNode line : order.path("lines")) {
            assertEquals(line.path("quantity").asInt(), line.path("allocated_quantity").asInt(), order.toString());
        }
        // stock: sup-a holds 5 of X and 4 of Y (2 confirmed + 2 backordered), nothing of Z any more
        assertEquals(5, allocatedAt("CF-X", "sup-a"));
        assertEquals(4, allocatedAt("CF-Y", "sup-a"));
        assertEquals(0, allocatedAt("CF-Z", "sup-a"));
        // Centra's list (admin sees both suppliers) agrees with both, once the order's projection has folded the answer
        // (the answer itself read the SKUs' lines, one hop; the list reads the projection, one fold later)
        await().atMost(Duration.ofSeconds(20)).until(() -> statusByWarehouse(admin("GET", "/allocation-requests?status=all&order=cf-1",
            null).json()).get("sup-a"), "backordered"::equals);
        JsonNode all = admin("GET", "/allocation-requests?status=all&order=cf-1", null).json();
        assertEquals("ok", all.path("status").asText());
        assertEquals("backordered", statusByWarehouse(all).get("sup-a"), all.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/allocation-requests?order=cf-1&warehouse=sup-b", null)
            .json().path("allocation_requests").path(0).path("status").asText().equals("sent"));
        JsonNode supA = all.path("allocation_requests").get(0);
        int held = 0;
        for (JsonNode r : all.path("allocation_requests")) {
            if (r.path("warehouseId").asText().equals("sup-a")) {
                supA = r;
                for (JsonNode line : r.path("lines")) {
                    if (List.of("confirmed", "backordered").contains(line.path("status").asText())) {
                        held += line.path("quantity").asInt();
                    } else {
                        assertEquals("rejected", line.path("status").asText(), r.toString());
                    }
                }
            }
        }
        assertEquals(5 + 4, held, "sup-a's request lines hold what its stock level says: " + supA);
        // the supplier's key sees only sup-a; sup-b's request is not found, not forbidden
        JsonNode mine = supplier("GET", "/allocation-requests?status=all&order=cf-1", null).json();
        mine.path("allocation_requests").forEach(r -> assertEquals("sup-a", r.path("warehouseId").asText()));
        String supB = webhooks("/sup-b", "cf-1").get(0).path("allocation_request").path("id").asText();
        assertEquals(404, supplier("GET", "/allocation-requests/" + supB, null).status());
        assertEquals(404, supplier("POST", "/allocation-requests/" + supB + "/confirm", null).status());
        // later the supplier ships the backorder (the next version's body) and the line is allocated for good
        Http.Reply shipped = supplier("PUT", "/orders/allocation/cf-1/", "{\"line_items\":[{\"line_item_uuid\":\"l-2\","
            + "\"supplier_provided_po_number\":\"PO-9\",\"allocation\":{\"quantity_ordered\":2,\"quantity_allocated\":2,"
            + "\"quantity_backordered\":0,\"quantity_rejected\":0}}]}");
        assertEquals(200, shipped.status(), shipped.body());
        assertEquals("Allocated", shipped.json().path("line_items").path(0).path("status").asText(), shipped.body());
        assertEquals(0, shipped.json().path("line_items").path(0).path("quantity_shipped").asInt());
        await().atMost(Duration.ofSeconds(20)).until(() -> supplier("GET", "/allocation-requests/" + requestId, null).json()
            .path("allocation_request").path("status").asText().equals("confirmed"));
    }

    @Test
    void aReceiverThatIsDownMakesTheRequestFailedAndARestConfirmationCompletesIt() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        location("sup-down", "Supplier Down", false, "http://127.0.0.1:" + closed + "/hook");
        ok(admin("PUT", "/channels/down/routing", "{\"locations\":[\"sup-down\"]}"));
        place("cf-2", "down", "{\"line_id\":\"l-1\",\"sku\":\"CF-D\",\"quantity\":3}");
        await().atMost(Duration.ofSeconds(30)).until(() -> admin("GET", "/allocation-requests?order=cf-2", null).json()
            .path("allocation_requests").path(0).path("status").asText().equals("failed"));
        String id = admin("GET", "/allocation-requests?order=cf-2", null).json().path("allocation_requests").path(0).path("id").asText();
        Http.Reply confirmed = admin("POST", "/allocation-requests/" + id + "/confirm", null);
        assertEquals(200, confirmed.status(), confirmed.body());
        assertEquals("confirmed", confirmed.json().path("allocation_request").path("status").asText(), confirmed.body());
        // answered from the SKU's committed lines, one hop after the decision: what the projection shows once it folds it
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/allocation-requests/" + id, null).json(),
            confirmed.json()::equals);
        assertEquals("allocated", admin("GET", "/orders/cf-2", null).json().path("status").asText());
        Http.Reply again = admin("POST", "/allocation-requests/" + id + "/reject", "{\"reason\":\"too late\"}");
        assertEquals(409, again.status(), again.body());
        assertEquals("request_confirmed", again.json().path("error").asText());
    }

    @Test
    void theSeedsCruxExampleWorksAsWritten() throws Exception {
        // Crux Connect's documented request, verbatim (quoted quantities, Token auth): the order uuid and line uuid are its own
        String order = "1ab8e55f-ea7e-4a58-b7d3-db723272dbbd";
        String line = "d3842ec4-d1f8-4cf1-860b-b9eeb8a35680";
        stock("sup-a", "CRUX-SKU", 22);
        // a channel of sup-a alone: with sup-b (untracked) in the routing, a stale global stock view may prefer sup-b
        ok(admin("PUT", "/channels/crux/routing", "{\"locations\":[\"sup-a\"]}"));
        place(order, "crux", "{\"line_id\":\"" + line + "\",\"sku\":\"CRUX-SKU\",\"quantity\":22}");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/allocation-requests?order=" + order, null).json()
            .path("allocation_requests").path(0).path("status").asText().equals("sent"));
        Http.Reply reply = http.send("PUT", "/orders/allocation/" + order + "/",
            "{\"line_items\":[{\"line_item_uuid\":\"d3842ec4-d1f8-4cf1-860b-b9eeb8a35680\",\"allocation\":{\"quantity_accepted\":\"22\","
                + "\"quantity_rejected\":\"0\",\"quantity_backordered\":\"0\"}}]}",
            "Authorization", "Token " + SUPPLIER, "Content-Type", "application/json; charset=utf-8");
        assertEquals(200, reply.status(), () -> reply.body() + " " + admin("GET", "/allocation-requests?order=" + order, null).body());
        assertEquals(JSON.readTree("[{\"d3842ec4-d1f8-4cf1-860b-b9eeb8a35680\":\"Allocated\"}]"), reply.json());
        assertEquals(22, allocatedAt("CRUX-SKU", "sup-a"));
    }

    @Test
    void aSkuCostPastTheRangeOfADoubleIsKeptExactlyNotA500() throws Exception {
        // found by HttpFuzzTest: supplier_provided_sku_cost 1e400 was read as an infinite double, whose decimal value threw;
        // the engine now keeps the cost, as its exact decimal text, and the answer shows what it keeps
        sentToSupplierA("cost-1", "COST-SKU", 1);
        Http.Reply reply = supplier("PUT", "/orders/allocation/cost-1/", "{\"line_items\":[{\"line_item_uuid\":\"l-1\","
            + "\"supplier_provided_sku_cost\":1e400,\"allocation\":{\"quantity_ordered\":1,\"quantity_allocated\":1,"
            + "\"quantity_backordered\":0,\"quantity_rejected\":0}}]}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("Allocated", reply.json().path("line_items").path(0).path("status").asText(), reply.body());
        JsonNode exact = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(reply.body());
        assertEquals(0, new java.math.BigDecimal("1E+400").compareTo(exact.path("line_items").path(0)
            .path("supplier_provided_sku_cost").decimalValue()), reply.body());
    }

    @Test
    void aSuppliersPoInvoiceAndSkuCostAreKeptAndShownAndItsShipmentIsCounted() throws Exception {
        String requestId = sentToSupplierA("doc-1", "DOC-SKU", 3);
        // over the limits or not a decimal: refused naming the field, nothing applied
        Http.Reply tooLong = supplier("PUT", "/orders/allocation/doc-1/", crux("\"" + "P".repeat(2_049) + "\"", "\"INV-42\"", "12.50", 3, 0));
        assertEquals(422, tooLong.status(), tooLong.body());
        assertEquals("line_items[0].supplier_provided_po_number", tooLong.json().path("fields").path(0).path("field").asText());
        Http.Reply notADecimal = supplier("PUT", "/orders/allocation/doc-1/", crux("\"PO-42\"", "\"INV-42\"", "\"12,50\"", 3, 0));
        assertEquals(400, notADecimal.status(), notADecimal.body());
        assertEquals("line_items[0].supplier_provided_sku_cost", notADecimal.json().path("fields").path(0).path("field").asText());
        assertEquals("sent", admin("GET", "/allocation-requests/" + requestId, null).json().path("allocation_request")
            .path("status").asText(), "a refused answer applies nothing");

        Http.Reply answered = supplier("PUT", "/orders/allocation/doc-1/", crux("\"PO-42\"", "\"INV-42\"", "12.50", 2, 1));
        assertEquals(200, answered.status(), answered.body());
        JsonNode line = answered.json().path("line_items").path(0);
        assertEquals(List.of("Backordered", "PO-42", "INV-42", "0"), List.of(line.path("status").asText(),
            line.path("supplier_provided_po_number").asText(), line.path("supplier_provided_invoice_number").asText(),
            line.path("quantity_shipped").asText()), answered.body());
        assertTrue(answered.body().contains("\"supplier_provided_sku_cost\":12.50"), "the cost exactly, trailing zero kept: "
            + answered.body());
        // the order's projection shows the answer one fold after it was answered
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/orders/doc-1", null).json().path("allocations").path(0)
            .path("items").path(0).path("supplier_provided_po_number").asText(), "PO-42"::equals);
        Http.Reply order = admin("GET", "/orders/doc-1", null);
        JsonNode item = order.json().path("allocations").path(0).path("items").path(0);
        assertEquals(List.of("PO-42", "INV-42"), List.of(item.path("supplier_provided_po_number").asText(),
            item.path("supplier_provided_invoice_number").asText()), item.toString());
        assertTrue(order.body().contains("\"supplier_provided_sku_cost\":12.50"), order.body());
        Http.Reply request = supplier("GET", "/allocation-requests/" + requestId, null);
        JsonNode centra = request.json().path("allocation_request").path("lines").path(0);
        assertEquals(List.of("PO-42", "INV-42"), List.of(centra.path("supplier_provided_po_number").asText(),
            centra.path("supplier_provided_invoice_number").asText()), centra.toString());
        assertTrue(request.body().contains("\"supplier_provided_sku_cost\":12.50"), request.body());

        // a part ships whole: not while it has a backordered unit the supplier does not have
        Http.Reply early = supplier("POST", "/allocation-requests/" + requestId + "/complete", null);
        assertEquals(409, early.status(), early.body());
        assertEquals("not_actionable", early.json().path("error").asText(), early.body());
        // the backordered unit arrives: answered without the numbers, which stay as the first answer gave them
        Http.Reply arrived = supplier("PUT", "/orders/allocation/doc-1/", crux("null", "null", "null", 1, 0));
        assertEquals(200, arrived.status(), arrived.body());
        assertEquals(List.of("Allocated", "PO-42", "INV-42"), List.of(arrived.json().path("line_items").path(0).path("status").asText(),
            arrived.json().path("line_items").path(0).path("supplier_provided_po_number").asText(),
            arrived.json().path("line_items").path(0).path("supplier_provided_invoice_number").asText()), arrived.body());
        // the supplier reports the request shipped; Crux's quantity_shipped counts it
        Http.Reply shipped = supplier("POST", "/allocation-requests/" + requestId + "/complete", null);
        assertEquals(200, shipped.status(), shipped.body());
        assertEquals("completed", shipped.json().path("allocation_request").path("status").asText(), shipped.body());
        Http.Reply again = supplier("POST", "/allocation-requests/" + requestId + "/complete", null);
        assertEquals(List.of(409, "allocation_completed"), List.of(again.status(), again.json().path("error").asText()), "shipped once");
        // asked again with nothing left to answer (0 requested of it), the supplier reads what the engine holds
        Http.Reply after = supplier("PUT", "/orders/allocation/doc-1/", crux("null", "null", "null", 0, 0));
        assertEquals(200, after.status(), after.body());
        assertEquals(3, after.json().path("line_items").path(0).path("quantity_shipped").asInt(), after.body());
        assertEquals("PO-42", after.json().path("line_items").path(0).path("supplier_provided_po_number").asText(), after.body());
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/orders/doc-1", null).json().path("status").asText(),
            "completed"::equals);
        assertEquals(2, admin("GET", "/stock/DOC-SKU", null).json().path("locations").path(0).path("physical").asInt(),
            "the shipped units left the supplier's stock");
        String openApi = http.send("GET", "/openapi/allotment-0.1.yml", null).body();
        assertTrue(openApi.contains("/allocation-requests/{id}/complete") && openApi.contains("supplier_provided_sku_cost"),
            "the OpenAPI document describes the route and the fields");
    }

    /**
     * An order of one line l-1 on a channel of sup-a alone, with 5 of the SKU there, once its request is sent to sup-a;
     * the request's id.
     */
    static String sentToSupplierA(String orderId, String sku, int quantity) {
        stock("sup-a", sku, 5);
        ok(admin("PUT", "/channels/crux/routing", "{\"locations\":[\"sup-a\"]}"));
        place(orderId, "crux", "{\"line_id\":\"l-1\",\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}");
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/allocation-requests?order=" + orderId, null).json()
            .path("allocation_requests").path(0).path("status").asText().equals("sent"));
        return admin("GET", "/allocation-requests?order=" + orderId, null).json().path("allocation_requests").path(0)
            .path("id").asText();
    }

    /**
     * Crux's next-version body for line l-1 of an order, {@code po}, {@code invoice} and {@code cost} as JSON values;
     * backordered units are dated 2030-01-10.
     */
    static String crux(String po, String invoice, String cost, int allocated, int backordered) {
        return "{\"line_items\":[{\"line_item_uuid\":\"l-1\",\"supplier_provided_po_number\":" + po
            + ",\"supplier_provided_invoice_number\":" + invoice + ",\"supplier_provided_sku_cost\":" + cost
            + ",\"allocation\":{\"quantity_ordered\":" + (allocated + backordered) + ",\"quantity_allocated\":" + allocated
            + ",\"quantity_backordered\":" + backordered + ",\"quantity_rejected\":0"
            + (backordered > 0 ? ",\"backorder_date\":\"2030-01-10\"" : "") + "}}]}";
    }

    @Test
    void anUnknownStatusAnswersInCentrasErrorShape() {
        JsonNode error = admin("GET", "/allocation-requests?status=?", null).json();
        assertEquals("no", error.path("status").asText());
        assertEquals("Expected \"status\" to be a single or a comma-separated list of request statuses, or \"all\", got \"?\"",
            error.path("errorMessages").path("status").asText());
    }

    // --- helpers ---

    static void location(String id, String name, boolean tracksStock, String webhook) {
        ok(admin("PUT", "/locations/" + id, "{\"name\":\"" + name + "\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":3600,\"tracks_stock\":" + tracksStock + ",\"webhook_url\":\"" + webhook + "\"}"));
    }

    static void place(String orderId, String channel, String lines) {
        Http.Reply placed = admin("POST", "/orders", "{\"order_id\":\"" + orderId + "\",\"channel\":\"" + channel
            + "\",\"lines\":[" + lines + "]}");
        assertEquals(201, placed.status(), placed.body());
    }

    /** Sets stock and waits until it is applied (a loaded engine may answer 202 first). */
    static void stock(String location, String sku, int physical) {
        ok(admin("PUT", "/stock/" + location + "/" + sku, "{\"physical\":" + physical + "}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode level : admin("GET", "/stock/" + sku, null).json().path("locations")) {
                if (level.path("location_id").asText().equals(location) && level.path("physical").asInt() == physical) {
                    return true;
                }
            }
            return false;
        });
    }

    static Map<String, String> statusByWarehouse(JsonNode requests) {
        Map<String, String> statuses = new java.util.HashMap<>();
        requests.path("allocation_requests").forEach(r -> statuses.put(r.path("warehouseId").asText(), r.path("status").asText()));
        return statuses;
    }

    static List<JsonNode> webhooks(String path, String orderId) {
        List<JsonNode> found = new ArrayList<>();
        RECEIVED.getOrDefault(path, new ConcurrentLinkedQueue<>()).forEach(b -> {
            if (b.path("allocation_request").path("order").path("id").asText().equals(orderId)) {
                found.add(b);
            }
        });
        return found;
    }

    static int allocatedAt(String sku, String location) {
        for (JsonNode level : admin("GET", "/stock/" + sku, null).json().path("locations")) {
            if (level.path("location_id").asText().equals(location)) {
                return level.path("allocated").asInt();
            }
        }
        throw new AssertionError("no stock level of " + sku + " at " + location);
    }

    static Http.Reply admin(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + ADMIN);
    }

    static Http.Reply supplier(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Token " + SUPPLIER);
    }

    static void ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
    }
}
