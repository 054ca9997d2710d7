package dev.allotment.services;

import static dev.allotment.services.support.AdminClient.ok;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** A platform edits placed orders over HTTP against a real broker: a line's quantity changed, a line added, lines cancelled. */
@ExtendWith(RealInfrastructure.class)
class OrderEditsEndToEndTest {
    static TestEngine engine;
    static AdminClient api;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-edits.").prefix(), Map.of("allotment.api-keys", "admin-key=admin"));
        api = new AdminClient(engine.http(), "admin-key");
        ok(api.call("PUT", "/locations/wh-e", "{\"name\":\"Edits\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(api.call("PUT", "/channels/web/routing", "{\"locations\":[\"wh-e\"]}"));
        ok(api.call("PUT", "/stock/wh-e/S-E1", "{\"physical\":5}"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static JsonNode line(JsonNode order, String lineId) {
        for (JsonNode l : order.path("lines")) {
            if (l.path("line_id").asText().equals(lineId)) {
                return l;
            }
        }
        throw new AssertionError("no line " + lineId + " in " + order);
    }

    static List<Integer> quantities(JsonNode line) {
        return List.of(line.path("quantity").asInt(), line.path("allocated_quantity").asInt(), line.path("backordered_quantity").asInt());
    }

    @Test
    void aPlatformChangesAddsAndCancelsLinesAndTheHistoryShowsEachEdit() {
        assertEquals(201, api.call("POST", "/orders", "{\"order_id\":\"ed-1\",\"channel\":\"web\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"S-E1\",\"quantity\":2},{\"line_id\":\"l-2\",\"sku\":\"S-E2\",\"quantity\":1}]}").status());
        await().atMost(Duration.ofSeconds(20)).until(() ->
            line(api.call("GET", "/orders/ed-1", null).json(), "l-1").path("allocated_quantity").asInt() == 2);

        Http.Reply changed = ok(api.call("PATCH", "/orders/ed-1/lines/l-1", "{\"quantity\":4,\"reason\":\"customer added two\"}"));
        assertEquals(200, changed.status());
        assertEquals(List.of(4, 4, 0), quantities(line(changed.json(), "l-1")), "answered with the decided order: " + changed.body());

        Http.Reply added = api.call("POST", "/orders/ed-1/lines", "{\"line_id\":\"l-3\",\"sku\":\"S-E1\",\"quantity\":2}");
        assertEquals(201, added.status(), added.body());
        assertEquals(List.of(2, 1, 1), quantities(line(added.json(), "l-3")), "the last one of S-E1 and one waiting: " + added.body());

        Http.Reply cancelled = ok(api.call("POST", "/orders/ed-1/lines/l-1/cancel", "{\"reason\":\"changed mind\"}"));
        assertEquals(List.of(0, 0, 0), quantities(line(cancelled.json(), "l-1")));
        assertFalse(line(cancelled.json(), "l-1").path("cancelled_at").isNull());
        await().atMost(Duration.ofSeconds(20)).until(() ->
            line(api.call("GET", "/orders/ed-1", null).json(), "l-3").path("allocated_quantity").asInt() == 2);
        JsonNode stock = ok(api.call("GET", "/stock/S-E1", null)).json();
        assertEquals(2, stock.path("totals").path("allocated").asInt(), "l-1's four went back and l-3 took what it waited for");

        ok(api.call("POST", "/orders/ed-1/lines/l-2/cancel", null));
        Http.Reply last = api.call("POST", "/orders/ed-1/lines/l-3/cancel", null);
        assertEquals(409, last.status(), last.body());
        assertEquals("not_actionable", last.json().path("error").asText());

        List<String> types = new ArrayList<>();
        ok(api.call("GET", "/orders/ed-1/events", null)).json().path("events").forEach(e -> types.add(e.path("type").asText()));
        assertTrue(types.containsAll(List.of("LineQuantityChanged", "LineAdded", "LineCancelled")), types.toString());
        assertTrue(types.indexOf("LineQuantityChanged") < types.indexOf("LineAdded") && types.indexOf("LineAdded") < types.indexOf("LineCancelled"),
            "in the order they were made: " + types);
        assertEquals(api.call("GET", "/orders/ed-1", null).json(), ok(api.call("GET", "/orders/ed-1?as_of=2999-01-01T00:00:00Z", null)).json(),
            "the order rebuilt from its history is the live one");
    }

    @Test
    void anEditTheOrderCannotTakeIsRefusedWithTheEnginesCodeAndARepeatChangesNothing() {
        ok(api.call("PUT", "/stock/wh-e/S-E3", "{\"physical\":1}"));
        assertEquals(201, api.call("POST", "/orders", "{\"order_id\":\"ed-2\",\"channel\":\"web\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"S-E3\",\"quantity\":1}]}").status());

        assertEquals(404, api.call("PATCH", "/orders/ed-none/lines/l-1", "{\"quantity\":2}").status());
        Http.Reply unknown = api.call("PATCH", "/orders/ed-2/lines/l-9", "{\"quantity\":2}");
        assertEquals(List.of(422, "unknown_line"), List.of(unknown.status(), unknown.json().path("error").asText()));
        Http.Reply zero = api.call("PATCH", "/orders/ed-2/lines/l-1", "{\"quantity\":0}");
        assertEquals(List.of(422, "invalid_quantity"), List.of(zero.status(), zero.json().path("error").asText()));
        Http.Reply duplicate = api.call("POST", "/orders/ed-2/lines", "{\"line_id\":\"l-1\",\"sku\":\"OTHER\",\"quantity\":1}");
        assertEquals(List.of(422, "duplicate_line"), List.of(duplicate.status(), duplicate.json().path("error").asText()));
        Http.Reply missing = api.call("POST", "/orders/ed-2/lines", "{\"line_id\":\"l-2\",\"sku\":\"S-E3\"}");
        assertEquals(400, missing.status(), missing.body());

        await().atMost(Duration.ofSeconds(20)).until(() ->
            line(api.call("GET", "/orders/ed-2", null).json(), "l-1").path("allocated_quantity").asInt() == 1);
        Http.Reply same = ok(api.call("PATCH", "/orders/ed-2/lines/l-1", "{\"quantity\":1}"));
        assertEquals(List.of(1, 1, 0), quantities(line(same.json(), "l-1")));
        List<String> types = new ArrayList<>();
        ok(api.call("GET", "/orders/ed-2/events", null)).json().path("events").forEach(e -> types.add(e.path("type").asText()));
        assertFalse(types.contains("LineQuantityChanged"), "the same quantity again is no edit: " + types);
    }
}
