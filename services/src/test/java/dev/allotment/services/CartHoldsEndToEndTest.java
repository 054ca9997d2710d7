package dev.allotment.services;

import static dev.allotment.services.support.AdminClient.ok;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.AdminClient;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cart holds over HTTP against a real broker: held beside allocated, converted by an order line, expired, released. */
@ExtendWith(RealInfrastructure.class)
class CartHoldsEndToEndTest {
    static TestEngine engine;
    static AdminClient api;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-holds.").prefix(), Map.of("allotment.api-keys", "admin-key=admin"));
        api = new AdminClient(engine.http(), "admin-key");
        ok(api.call("PUT", "/locations/wh-h", "{\"name\":\"Holds\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(api.call("PUT", "/channels/checkout/routing", "{\"locations\":[\"wh-h\"]}"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static String hold(String id, String sku, int quantity, int ttl) {
        return "{\"hold_id\":\"" + id + "\",\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"channel\":\"checkout\",\"ttl_seconds\":" + ttl + "}";
    }

    static List<Integer> totals(String sku) {
        JsonNode t = ok(api.call("GET", "/stock/" + sku, null)).json().path("totals");
        return List.of(t.path("allocated").asInt(), t.path("held").asInt(), t.path("available").asInt());
    }

    @Test
    void aHoldTakesStockOutOfAvailableUntilAnOrderLineNamingItConvertsIt() {
        ok(api.call("PUT", "/stock/wh-h/S-H1", "{\"physical\":3}"));

        Http.Reply held = api.call("POST", "/holds", hold("h-1", "S-H1", 2, 600));
        assertEquals(201, held.status(), held.body());
        assertEquals(List.of(0, 2, 1), List.of(held.json().path("stock").path("totals").path("allocated").asInt(),
            held.json().path("stock").path("totals").path("held").asInt(), held.json().path("stock").path("totals").path("available").asInt()));
        assertEquals(2, held.json().path("stock").path("locations").get(0).path("held").asInt(), "held per location too");
        Http.Reply tooMuch = api.call("POST", "/holds", hold("h-2", "S-H1", 2, 600));
        assertEquals(List.of(409, "insufficient_stock"), List.of(tooMuch.status(), tooMuch.json().path("error").asText()));
        Http.Reply other = api.call("POST", "/orders", "{\"order_id\":\"ho-0\",\"channel\":\"checkout\",\"lines\":[{\"line_id\":\"1\",\"sku\":\"S-H1\",\"quantity\":2}]}");
        assertEquals(201, other.status());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.call("GET", "/orders/ho-0", null).json().path("status").asText().equals("partially_allocated"));

        assertEquals(201, api.call("POST", "/orders", "{\"order_id\":\"ho-1\",\"channel\":\"checkout\",\"lines\":["
            + "{\"line_id\":\"1\",\"sku\":\"S-H1\",\"quantity\":2,\"hold_id\":\"h-1\"}]}").status());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.call("GET", "/orders/ho-1", null).json().path("status").asText().equals("allocated"));
        assertEquals(List.of(3, 0, 0), totals("S-H1"), "the hold became the order's allocation: never more than the 3 there");
        List<String> reasons = new ArrayList<>();
        ok(api.call("GET", "/orders/ho-1/events", null)).json().path("events").forEach(e -> reasons.add(e.path("payload").path("reason").asText()));
        assertTrue(reasons.contains("hold h-1 converted"), reasons.toString());
    }

    @Test
    void aHoldIsGivenBackWhenItsTimeToLivePassesOrWhenItIsReleased() {
        ok(api.call("PUT", "/stock/wh-h/S-H2", "{\"physical\":5}"));
        assertEquals(201, api.call("POST", "/holds", hold("h-long", "S-H2", 1, 600)).status());
        assertEquals(201, api.call("POST", "/holds", hold("h-short", "S-H2", 2, 2)).status());

        await().atMost(Duration.ofSeconds(20)).until(() -> totals("S-H2").equals(List.of(0, 1, 4)));
        Http.Reply released = ok(api.call("POST", "/holds/h-long/release", "{\"sku\":\"S-H2\",\"reason\":\"cart abandoned\"}"));
        assertEquals(0, released.json().path("stock").path("totals").path("held").asInt(), released.body());
        assertEquals(List.of(0, 0, 5), totals("S-H2"));
        Http.Reply bad = api.call("POST", "/holds", hold("h-bad", "S-H2", 1, 0));
        assertEquals(422, bad.status(), bad.body());
    }
}
