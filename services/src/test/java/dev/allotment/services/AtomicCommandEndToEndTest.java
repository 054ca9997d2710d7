package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A command over several SKUs is all or nothing (DESIGN §4 invariant 8; issue 15 defect 9): a manual allocation or a
 * supplier's confirmation whose part on one SKU is refused leaves every other SKU as it was, and answers one refusal.
 * Before, each SKU decided alone: the parts accepted stayed applied beside the refused one.
 */
@ExtendWith(RealInfrastructure.class)
class AtomicCommandEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-atomic.");
    static final String ADMIN = "atomic-admin";
    static final String PLATFORM = "atomic-platform";
    static final String SUPPLIER = "atomic-supplier";
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", ADMIN + "=admin," + PLATFORM + "=platform,"
            + SUPPLIER + "=supplier:sup-t"));
        http = engine.http();
        call(ADMIN, "PUT", "/locations/wh-t", "{\"name\":\"T\",\"kind\":\"WAREHOUSE\"}", null);
        call(ADMIN, "PUT", "/locations/sup-t", "{\"name\":\"S\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\",\"tracks_stock\":false}",
            null);
        call(ADMIN, "PUT", "/channels/supplied/routing", "{\"locations\":[\"sup-t\"]}", null);
        assertEquals(200, call(ADMIN, "PUT", "/stock/wh-t/ATOM-1", "{\"physical\":10}", null).status());
        assertEquals(200, call(ADMIN, "PUT", "/stock/wh-t/ATOM-2", "{\"physical\":1}", null).status());
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static Http.Reply call(String apiKey, String method, String path, String body, String idempotencyKey) {
        return http.keyed(apiKey, method, path, body, idempotencyKey);
    }

    static int allocated(String sku) {
        for (JsonNode level : call(ADMIN, "GET", "/stock/" + sku, null, null).json().path("locations")) {
            if (level.path("location_id").asText().equals("wh-t")) {
                return level.path("allocated").asInt();
            }
        }
        return -1;
    }

    @Test
    void aManualAllocationWithOneSkuShortAllocatesNothing() {
        assertEquals(201, call(PLATFORM, "POST", "/orders", "{\"order_id\":\"ao-1\",\"channel\":\"manual\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"ATOM-1\",\"quantity\":3},{\"line_id\":\"l-2\",\"sku\":\"ATOM-2\",\"quantity\":2}]}", null).status());
        String veeqo = "{\"allocation\":{\"warehouse_id\":\"wh-t\",\"line_items_attributes\":[{\"sellable_id\":\"ATOM-1\",\"quantity\":3},"
            + "{\"sellable_id\":\"ATOM-2\",\"quantity\":2}]}}";

        Http.Reply refused = call(PLATFORM, "POST", "/orders/ao-1/allocations", veeqo, "atomic-1");

        assertEquals(409, refused.status(), refused.body());
        assertEquals("insufficient_stock", refused.json().path("error").asText(), refused.body());
        for (JsonNode part : refused.json().path("results")) {
            assertFalse(part.path("accepted").asBoolean(), "a part reported applied: " + refused.body());
        }
        assertEquals(0, allocated("ATOM-1"), "ATOM-1, which had the stock, was not allocated either");
        assertEquals(0, allocated("ATOM-2"));
        JsonNode order = call(ADMIN, "GET", "/orders/ao-1", null, null).json();
        assertTrue(order.path("allocations").isEmpty(), order.toString());

        // with the stock there, the same allocation (a new key) applies on both SKUs
        assertEquals(200, call(ADMIN, "PUT", "/stock/wh-t/ATOM-2", "{\"physical\":2}", null).status());
        Http.Reply applied = call(PLATFORM, "POST", "/orders/ao-1/allocations", veeqo, "atomic-2");
        assertEquals(201, applied.status(), applied.body());
        assertEquals(3, allocated("ATOM-1"));
        assertEquals(2, allocated("ATOM-2"));
    }

    @Test
    void aRejectionOfARequestWithOneLineConfirmedRejectsNoLine() {
        assertEquals(201, call(PLATFORM, "POST", "/orders", "{\"order_id\":\"ao-3\",\"channel\":\"supplied\",\"lines\":["
            + "{\"line_id\":\"l-3\",\"sku\":\"ATOM-3\",\"quantity\":1},{\"line_id\":\"l-4\",\"sku\":\"ATOM-4\",\"quantity\":1}]}", null).status());
        String requestId = awaitRequest("ao-3");
        Http.Reply crux = call(SUPPLIER, "PUT", "/orders/allocation/ao-3/", "{\"line_items\":[{\"line_item_uuid\":\"l-4\",\"allocation\":"
            + "{\"quantity_accepted\":1,\"quantity_rejected\":0,\"quantity_backordered\":0}}]}", "atomic-3");
        assertEquals(200, crux.status(), "the supplier confirms l-4 alone: " + crux.body());
        // the request as the order's projection shows it once it has folded the answer (one fold after the answer)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> call(ADMIN, "GET", "/allocation-requests/"
            + requestId, null, null).json().path("allocation_request").path("lines").toString(), lines -> lines.contains("confirmed"));

        String before = call(ADMIN, "GET", "/allocation-requests/" + requestId, null, null).json().path("allocation_request")
            .path("lines").toString();

        Http.Reply reject = call(SUPPLIER, "POST", "/allocation-requests/" + requestId + "/reject", "{\"reason\":\"none left\"}", "atomic-4");

        assertEquals(409, reject.status(), "l-4 is confirmed: the request cannot be rejected as a whole: " + reject.body());
        assertEquals("request_confirmed", reject.json().path("error").asText(), reject.body());
        for (JsonNode part : reject.json().path("results")) {
            assertFalse(part.path("accepted").asBoolean(), "a part reported applied: " + reject.body());
        }
        String after = call(ADMIN, "GET", "/allocation-requests/" + requestId, null, null).json().path("allocation_request")
            .path("lines").toString();
        assertEquals(before, after, "the request's lines changed: l-3 was rejected");
    }

    /**
     * A supplier that confirms a request the moment it sees it confirms all of it: its lines are routed on their SKUs one
     * by one and reach the order's projection one fold later each, so the request read then shows some of its lines.
     * Before, the confirmation went to those SKUs alone, and the other lines later timed out (found by the fault suite).
     */
    @Test
    void aRequestConfirmedAsSoonAsItIsSeenIsConfirmedOnEveryLine() {
        int lines = 40;
        StringBuilder order = new StringBuilder("{\"order_id\":\"ao-5\",\"channel\":\"supplied\",\"lines\":[");
        for (int i = 0; i < lines; i++) {
            order.append(i == 0 ? "" : ",").append("{\"line_id\":\"l-").append(i).append("\",\"sku\":\"ATOM-W-").append(i)
                .append("\",\"quantity\":1}");
        }
        assertEquals(201, call(PLATFORM, "POST", "/orders", order.append("]}").toString(), null).status());

        String requestId = awaitRequest("ao-5");   // as soon as the projection shows it: after its first line's fold
        Http.Reply confirm = call(SUPPLIER, "POST", "/allocation-requests/" + requestId + "/confirm", null, "atomic-5");

        assertEquals(200, confirm.status(), confirm.body());
        // the answer, from the SKUs' lines, shows every line confirmed; so does the projection, once it has folded them
        JsonNode answered = confirm.json().path("allocation_request");
        assertEquals(lines, answered.path("lines").size(), answered.toString());
        for (JsonNode line : answered.path("lines")) {
            assertEquals("confirmed", line.path("status").asText(), "a line answered unconfirmed: " + answered);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> call(ADMIN, "GET", "/allocation-requests/"
            + requestId, null, null).json().path("allocation_request").path("status").asText(), "confirmed"::equals);
        JsonNode request = call(ADMIN, "GET", "/allocation-requests/" + requestId, null, null).json().path("allocation_request");
        assertEquals(lines, request.path("lines").size(), request.toString());
        for (JsonNode line : request.path("lines")) {
            assertEquals("confirmed", line.path("status").asText(), "a line left unconfirmed: " + request);
        }
    }

    private static String awaitRequest(String orderId) {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            JsonNode page = call(ADMIN, "GET", "/allocation-requests?status=all&order=" + orderId, null, null).json();
            JsonNode first = page.path("allocation_requests").path(0);
            if (!first.isMissingNode()) {
                return first.path("id").asText();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no allocation request for " + orderId);
    }
}
