package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
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

/**
 * Promise dates over HTTP against a real broker: a platform sets dated incoming batches, reads available-to-promise by
 * a date, and a backordered order line shows when it is expected, moving as a batch slips.
 */
@ExtendWith(RealInfrastructure.class)
class PromiseDatesEndToEndTest {
    private static final String JAN_10 = "2030-01-10T00:00:00Z";
    private static final String FEB_01 = "2030-02-01T00:00:00Z";
    private static final String MAR_01 = "2030-03-01T00:00:00Z";
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-promise.").prefix(), Map.of("allotment.api-keys", "admin-key=admin"));
        http = engine.http();
        ok(call("PUT", "/locations/wh-p", "{\"name\":\"Promises\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(call("PUT", "/channels/web-p/routing", "{\"locations\":[\"wh-p\"]}"));
        ok(call("PUT", "/stock/wh-p/S-P1", "{\"physical\":1}"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static Http.Reply call(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer admin-key");
    }

    static Http.Reply ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
        return reply;
    }

    static String batches(String... quantityThenDate) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < quantityThenDate.length; i += 2) {
            items.add("{\"quantity\":" + quantityThenDate[i] + ",\"expected_at\":\"" + quantityThenDate[i + 1] + "\"}");
        }
        return "[" + String.join(",", items) + "]";
    }

    static JsonNode line(String orderId) {
        return ok(call("GET", "/orders/" + orderId, null)).json().path("lines").get(0);
    }

    @Test
    void aBackorderedLineIsPromisedTheDateOfItsBatchAndTheDateMovesWhenTheBatchSlips() {
        Http.Reply set = ok(call("PUT", "/stock/wh-p/S-P1/incoming", batches("4", FEB_01, "5", JAN_10)));
        assertEquals(9, set.json().path("incoming").asInt(), set.body());
        assertEquals(List.of(JAN_10, FEB_01), List.of(set.json().path("incoming_batches").get(0).path("expected_at").asText(),
            set.json().path("incoming_batches").get(1).path("expected_at").asText()), "earliest first: " + set.body());
        assertEquals(5, ok(call("GET", "/stock/S-P1", null)).json().path("locations").get(0).path("incoming_batches")
            .get(0).path("quantity").asInt());

        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"pd-1\",\"channel\":\"web-p\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"S-P1\",\"quantity\":4}]}").status());
        await().atMost(Duration.ofSeconds(20)).until(() -> JAN_10.equals(line("pd-1").path("expected_at").asText(null)));
        assertEquals(List.of(1, 3), List.of(line("pd-1").path("allocated_quantity").asInt(), line("pd-1").path("backordered_quantity").asInt()));

        JsonNode atp = ok(call("GET", "/stock/S-P1/atp?until=2030-01-15T00:00:00Z", null)).json();
        assertEquals(List.of(0, 5, 3, 2), List.of(atp.path("totals").path("available").asInt(),
            atp.path("totals").path("incoming_by_until").asInt(), atp.path("totals").path("waiting_demand").asInt(),
            atp.path("totals").path("atp").asInt()), atp.toString());
        assertEquals(1, atp.path("timeline").size(), atp.toString());
        JsonNode all = ok(call("GET", "/stock/S-P1/atp", null)).json();
        assertEquals(6, all.path("totals").path("atp").asInt(), all.toString());
        assertEquals(List.of(2, 6), List.of(all.path("timeline").get(0).path("atp").asInt(), all.path("timeline").get(1).path("atp").asInt()));

        ok(call("PUT", "/stock/wh-p/S-P1/incoming", batches("5", MAR_01, "4", FEB_01)));   // the January batch slips to March
        await().atMost(Duration.ofSeconds(20)).until(() -> FEB_01.equals(line("pd-1").path("expected_at").asText(null)));

        List<String> dates = new ArrayList<>();
        ok(call("GET", "/orders/pd-1/events", null)).json().path("events").forEach(e -> {
            if (e.path("type").asText().equals("LineBackordered")) {
                dates.add(e.path("payload").path("expected_at").asText(null));
            }
        });
        assertTrue(dates.containsAll(List.of(JAN_10, FEB_01)) && dates.indexOf(JAN_10) < dates.lastIndexOf(FEB_01), dates.toString());

        ok(call("PUT", "/stock/wh-p/S-P1", "{\"physical\":4}"));   // the February batch arrives: counted, then removed
        ok(call("PUT", "/stock/wh-p/S-P1/incoming", batches("5", MAR_01)));
        await().atMost(Duration.ofSeconds(20)).until(() -> line("pd-1").path("allocated_quantity").asInt() == 4);
        assertTrue(line("pd-1").path("expected_at").isNull(), () -> "no longer backordered: " + line("pd-1"));
    }

    @Test
    void badBatchesAreRefusedNamingTheField() {
        Http.Reply missing = call("PUT", "/stock/wh-p/S-P2/incoming", "[{\"quantity\":5}]");
        assertEquals(400, missing.status(), missing.body());
        assertTrue(missing.body().contains("[0].expected_at"), missing.body());
        Http.Reply zero = call("PUT", "/stock/wh-p/S-P2/incoming", batches("0", JAN_10));
        assertEquals(400, zero.status(), zero.body());
        assertTrue(zero.body().contains("[0].quantity"), zero.body());
        assertEquals(400, call("PUT", "/stock/wh-p/S-P2/incoming", "{\"quantity\":5}").status());
        assertEquals(404, call("PUT", "/stock/wh-nowhere/S-P2/incoming", batches("1", JAN_10)).status());
        assertEquals(400, call("GET", "/stock/S-P1/atp?until=tomorrow", null).status());

        ok(call("PUT", "/stock/wh-p/S-P2/incoming", batches("2", JAN_10)));
        Http.Reply cleared = ok(call("PUT", "/stock/wh-p/S-P2/incoming", "[]"));
        assertEquals(List.of(0, 0), List.of(cleared.json().path("incoming").asInt(), cleared.json().path("incoming_batches").size()));
    }
}
