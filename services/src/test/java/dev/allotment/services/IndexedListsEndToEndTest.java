package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The filtered lists read the topology's secondary indexes (stock by location, allocations by location, requests by
 * status and location), against a real broker: each filter returns exactly what matches, pages through it with cursors
 * (or Centra's page numbers) without a gap or a repeat, and follows a request from one status to the next.
 */
@ExtendWith(RealInfrastructure.class)
class IndexedListsEndToEndTest {
    static final String ADMIN = "il-admin";
    static final String SUPPLIER = "il-supplier";
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start("e2e-lists.", Map.of("allotment.api-keys", ADMIN + "=admin," + SUPPLIER + "=supplier:il-sup-q"));
        http = engine.http();
        for (String wh : List.of("il-wh-x", "il-wh-y")) {
            ok(admin("PUT", "/locations/" + wh, "{\"name\":\"" + wh + "\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        }
        ok(admin("PUT", "/locations/il-sup-q", "{\"name\":\"Q\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":3600,\"tracks_stock\":true}"));
        ok(admin("PUT", "/channels/il-x/routing", "{\"locations\":[\"il-wh-x\"]}"));
        ok(admin("PUT", "/channels/il-y/routing", "{\"locations\":[\"il-wh-y\"]}"));
        ok(admin("PUT", "/channels/il-q/routing", "{\"locations\":[\"il-sup-q\"]}"));
        for (int i = 0; i < 12; i++) {
            stock("il-wh-x", sku(i), 10);
        }
        for (int i = 5; i < 8; i++) {
            stock("il-wh-y", sku(i), 10);
        }
        stock("il-sup-q", "IL-Q", 100);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void stockAtOneLocationPagesThroughItsSkusAlone() {
        List<JsonNode> atY = pages("/stock?location_id=il-wh-y&limit=2");
        assertEquals(List.of(sku(5), sku(6), sku(7)), atY.stream().map(l -> l.path("sku").asText()).toList());
        atY.forEach(l -> assertEquals("il-wh-y", l.path("location_id").asText(), l.toString()));
        List<JsonNode> atX = pages("/stock?location_id=il-wh-x&limit=5");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expected.add(sku(i));
        }
        assertEquals(expected, atX.stream().map(l -> l.path("sku").asText()).toList());
        // without a location: every level of these SKUs, IL-05..07 at both places
        long ours = pages("/stock?limit=3").stream().filter(l -> l.path("sku").asText().startsWith("IL-0")
            || l.path("sku").asText().startsWith("IL-1")).count();
        assertEquals(15, ours);
    }

    @Test
    void allocationsAtOneLocationAreTheOrdersAllocatedThere() {
        for (int i = 1; i <= 6; i++) {
            place("il-o" + i, i % 2 == 1 ? "il-y" : "il-x", i % 2 == 1 ? sku(6) : sku(0));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> pages("/allocations?location_id=il-wh-y&limit=1").size() == 3);
        List<JsonNode> atY = pages("/allocations?location_id=il-wh-y&limit=1");
        assertEquals(List.of("il-o1", "il-o3", "il-o5"), atY.stream().map(a -> a.path("order").path("id").asText()).toList());
        atY.forEach(a -> assertEquals("il-wh-y", a.path("location").path("id").asText(), a.toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> ordersAt("il-wh-x").size() == 3);
        assertEquals(List.of("il-o2", "il-o4", "il-o6"), ordersAt("il-wh-x"));

        // Envoy's previous_cursor: from the last page of one, back through every page to the first, which has none
        List<String> backwards = new ArrayList<>();
        JsonNode page = lastPage("/allocations?location_id=il-wh-y&limit=1");
        page.path("data").forEach(a -> backwards.add(0, a.path("order").path("id").asText()));
        while (!page.path("previous_cursor").isNull()) {
            page = admin("GET", "/allocations?location_id=il-wh-y&limit=1&cursor="
                + URLEncoder.encode(page.path("previous_cursor").asText(), StandardCharsets.UTF_8), null).json();
            assertFalse(page.path("next_cursor").isNull(), "a page reached backwards has one after it: " + page);
            page.path("data").forEach(a -> backwards.add(0, a.path("order").path("id").asText()));
            assertTrue(backwards.size() < 100, "the cursor does not end");
        }
        assertEquals(List.of("il-o1", "il-o3", "il-o5"), backwards.stream().filter(id -> id.startsWith("il-o")).toList(),
            "the same allocations, read backwards");
    }

    /** The last page of a cursor-paged list, following next_cursor. */
    private static JsonNode lastPage(String path) {
        JsonNode body = admin("GET", path, null).json();
        for (int pages = 0; !body.path("next_cursor").isNull(); pages++) {
            assertTrue(pages < 100, "the cursor does not end");
            body = admin("GET", path + "&cursor=" + URLEncoder.encode(body.path("next_cursor").asText(), StandardCharsets.UTF_8),
                null).json();
        }
        return body;
    }

    @Test
    void requestsListByStatusAndWarehouseFollowEachStatusChange() {
        place("il-r1", "il-q", "IL-Q");
        place("il-r2", "il-q", "IL-Q");
        await().atMost(Duration.ofSeconds(30)).until(() -> requests(ADMIN, "warehouse=il-sup-q").size() == 2);
        List<JsonNode> open = requests(ADMIN, "warehouse=il-sup-q");
        assertEquals(List.of("il-r1", "il-r2"), open.stream().map(r -> r.path("order").path("id").asText()).toList(),
            "oldest first");
        assertEquals(ids(open), ids(requests(SUPPLIER, "")), "the supplier sees its location's requests");
        assertEquals(0, requests(SUPPLIER, "warehouse=il-wh-x").size(), "a supplier sees no other location's");
        assertEquals(0, requests(ADMIN, "warehouse=il-wh-x").size());

        String first = open.get(0).path("id").asText();
        ok(admin("POST", "/allocation-requests/" + first + "/confirm", null));
        await().atMost(Duration.ofSeconds(30)).until(() -> ids(requests(ADMIN, "warehouse=il-sup-q")).equals(List.of(ids(open).get(1))));
        assertEquals(List.of(first), ids(requests(ADMIN, "status=confirmed&warehouse=il-sup-q")));
        assertEquals(ids(open), ids(requests(ADMIN, "status=all&warehouse=il-sup-q")));
        assertEquals(List.of(first), ids(requests(ADMIN, "status=confirmed&order=il-r1,il-r2")));
        assertTrue(ids(requests(ADMIN, "status=confirmed")).contains(first), "every warehouse's confirmed requests");
        // page 2 of 100 a page is empty here
        assertEquals(0, requests(ADMIN, "status=all&warehouse=il-sup-q&page=2").size());
    }

    /** The orders of this test with an allocation at the location, paging two at a time. */
    private static List<String> ordersAt(String location) {
        return pages("/allocations?location_id=" + location + "&limit=2").stream()
            .map(a -> a.path("order").path("id").asText()).filter(id -> id.startsWith("il-o")).toList();
    }

    private static String sku(int i) {
        return String.format("IL-%02d", i);
    }

    /** Every item of every page of a cursor-paged list, following next_cursor. */
    private static List<JsonNode> pages(String path) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String at = cursor == null ? path : path + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            Http.Reply reply = admin("GET", at, null);
            ok(reply);
            JsonNode body = reply.json();
            body.path("data").forEach(all::add);
            cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asText(null);
            assertTrue(++pages < 100, "the cursor does not end");
        } while (cursor != null);
        return all;
    }

    private static List<JsonNode> requests(String key, String query) {
        Http.Reply reply = http.send("GET", "/allocation-requests" + (query.isEmpty() ? "" : "?" + query), null,
            "Authorization", "Bearer " + key);
        ok(reply);
        assertEquals("ok", reply.json().path("status").asText(), reply.body());
        List<JsonNode> found = new ArrayList<>();
        reply.json().path("allocation_requests").forEach(r -> {
            if (r.path("order").path("id").asText().startsWith("il-")) {
                found.add(r);
            }
        });
        return found;
    }

    private static List<String> ids(List<JsonNode> requests) {
        return requests.stream().map(r -> r.path("id").asText()).toList();
    }

    private static void place(String orderId, String channel, String sku) {
        Http.Reply placed = admin("POST", "/orders", "{\"order_id\":\"" + orderId + "\",\"channel\":\"" + channel
            + "\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"" + sku + "\",\"quantity\":1}]}");
        assertEquals(201, placed.status(), placed.body());
    }

    private static void stock(String location, String sku, int physical) {
        ok(admin("PUT", "/stock/" + location + "/" + sku, "{\"physical\":" + physical + "}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> admin("GET", "/stock/" + sku, null).json().path("locations")
            .findValuesAsText("location_id").contains(location));
    }

    private static Http.Reply admin(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + ADMIN);
    }

    private static void ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
    }
}
