package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Idempotency-Key belongs to one caller and one call (DESIGN §4, invariant 8; Stripe's behaviour): repeated with the
 * same call it answers the first answer, status and body, and applies nothing again; reused for another call it is
 * refused (422 idempotency_key_reused); another caller's same key is that caller's own.
 */
@ExtendWith(RealInfrastructure.class)
class IdempotencyEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-idempotency.");
    static final String ADMIN = "idem-admin";
    static final String PLATFORM = "idem-platform";
    static final String OTHER_PLATFORM = "idem-platform-2";
    static final String SUPPLIER = "idem-supplier";
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", ADMIN + "=admin," + PLATFORM + "=platform,"
            + OTHER_PLATFORM + "=platform," + SUPPLIER + "=supplier:sup-i"));
        http = engine.http();
        call(ADMIN, "PUT", "/locations/wh-i", "{\"name\":\"I\",\"kind\":\"WAREHOUSE\"}", null);
        call(ADMIN, "PUT", "/locations/sup-i", "{\"name\":\"S\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\",\"tracks_stock\":false}", null);
        call(ADMIN, "PUT", "/channels/supplied/routing", "{\"locations\":[\"sup-i\"]}", null);
        call(ADMIN, "PUT", "/stock/wh-i/IDEM-1", "{\"physical\":100}", null);
        for (String order : new String[] {"io-1", "io-2", "io-3"}) {
            assertEquals(201, call(PLATFORM, "POST", "/orders", "{\"order_id\":\"" + order + "\",\"channel\":\"manual\",\"lines\":"
                + "[{\"line_id\":\"l-1\",\"sku\":\"IDEM-1\",\"quantity\":5}]}", null).status());
        }
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

    static String veeqo(int quantity) {
        return "{\"allocation\":{\"warehouse_id\":\"wh-i\",\"line_items_attributes\":[{\"sellable_id\":\"IDEM-1\",\"quantity\":" + quantity + "}]}}";
    }

    static int allocated() {
        for (JsonNode level : call(ADMIN, "GET", "/stock/IDEM-1", null, null).json().path("locations")) {
            if (level.path("location_id").asText().equals("wh-i")) {
                return level.path("allocated").asInt();
            }
        }
        return -1;
    }

    @Test
    void aRepeatedCallAnswersTheFirstAnswerAndAppliesNothingAgain() {
        Http.Reply first = call(PLATFORM, "POST", "/orders/io-1/allocations", veeqo(2), "k-repeat");
        assertEquals(201, first.status(), first.body());
        int after = allocated();
        Http.Reply again = call(PLATFORM, "POST", "/orders/io-1/allocations", veeqo(2), "k-repeat");
        assertEquals(201, again.status(), again.body());
        assertEquals(first.json(), again.json(), "the first answer, body and all");
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(after, allocated(), "nothing applied again");
    }

    @Test
    void aKeyReusedOnAnotherOrderOrWithAnotherBodyIsRefused() {
        assertEquals(201, call(PLATFORM, "POST", "/orders/io-2/allocations", veeqo(1), "k-reused").status());
        int after = allocated();
        Http.Reply otherOrder = call(PLATFORM, "POST", "/orders/io-3/allocations", veeqo(1), "k-reused");
        assertEquals(422, otherOrder.status(), otherOrder.body());
        assertEquals("idempotency_key_reused", otherOrder.json().path("error").asText());
        Http.Reply otherBody = call(PLATFORM, "POST", "/orders/io-2/allocations", veeqo(2), "k-reused");
        assertEquals(422, otherBody.status(), otherBody.body());
        assertEquals(after, allocated(), "neither was applied");
    }

    @Test
    void anotherCallersSameKeyIsItsOwn() {
        assertEquals(201, call(PLATFORM, "POST", "/orders/io-3/allocations", veeqo(1), "k-shared").status());
        int after = allocated();
        Http.Reply theirs = call(OTHER_PLATFORM, "POST", "/orders/io-3/allocations", veeqo(1), "k-shared");
        assertEquals(201, theirs.status(), "another caller's key meets nothing of the first: " + theirs.body());
        assertEquals(after + 1, allocated());
    }

    /** Places a one-line order routed to the supplier; the id of the allocation request it gets there. */
    static String requestAtSupplier(String orderId, String sku, int quantity) {
        assertEquals(201, call(PLATFORM, "POST", "/orders", "{\"order_id\":\"" + orderId + "\",\"channel\":\"supplied\",\"lines\":"
            + "[{\"line_id\":\"l-1\",\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}]}", null).status());
        String path = "/allocation-requests?order=" + orderId;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
            call(SUPPLIER, "GET", path, null, null).json().path("allocation_requests").size() == 1);
        return call(SUPPLIER, "GET", path, null, null).json().path("allocation_requests").get(0).path("id").asText();
    }

    @Test
    void aRepeatedSupplierAnswerIsAnsweredAsTheFirstNotRefusedAsAMismatch() {
        requestAtSupplier("io-crux", "IDEM-2", 3);
        String body = "{\"line_items\":[{\"line_item_uuid\":\"l-1\",\"allocation\":{\"quantity_accepted\":3,"
            + "\"quantity_rejected\":0,\"quantity_backordered\":0}}]}";
        Http.Reply first = call(SUPPLIER, "PUT", "/orders/allocation/io-crux/", body, "k-crux");
        assertEquals(200, first.status(), first.body());
        Http.Reply again = call(SUPPLIER, "PUT", "/orders/allocation/io-crux/", body, "k-crux");
        assertEquals(200, again.status(), "before: 422 quantity_mismatch, as nothing was left to answer: " + again.body());
        assertEquals(first.json(), again.json());
    }

    @Test
    void aKeyedAnswerIsTheJsonRecordedForItsRepeatsNonAsciiTextAndAll() {
        String id = requestAtSupplier("io-reject", "IDEM-4", 1);
        String reason = "Lieferung verzögert — épuisé, 在庫切れ";
        String body = "{\"reason\":\"" + reason + "\"}";
        Http.Reply first = call(SUPPLIER, "POST", "/allocation-requests/" + id + "/reject", body, "k-reject");
        assertEquals(200, first.status(), first.body());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
            "the recorded answer goes out as JSON: " + first.headers().map());
        assertEquals("rejected: " + reason, first.json().path("allocation_request").path("reason").asText(), first.body());
        Http.Reply again = call(SUPPLIER, "POST", "/allocation-requests/" + id + "/reject", body, "k-reject");
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(first.body(), again.body(), "the same bytes");
    }

    @Test
    void stockAdjustmentsAreAnsweredOnceByKey() {
        String body = "{\"adjustments\":[{\"location_id\":\"wh-i\",\"sku\":\"IDEM-3\",\"delta\":5}]}";
        Http.Reply first = call(PLATFORM, "POST", "/stock/adjustments", body, "k-adjust");
        assertEquals(200, first.status(), first.body());
        Http.Reply again = call(PLATFORM, "POST", "/stock/adjustments", body, "k-adjust");
        assertEquals(first.json(), again.json());
        assertTrue(call(ADMIN, "GET", "/stock/IDEM-3", null, null).json().path("totals").path("physical").asInt() == 5,
            "applied once");
    }
}
