package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.auth.ApiKeys;
import dev.allotment.services.auth.Role;
import dev.allotment.services.http.IdempotencyKeys;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.Routes;
import dev.allotment.services.support.TestEngine;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route of the edge, as Micronaut's router lists it, called by every kind of caller: platform, supplier of A,
 * supplier of B, analyst, admin, no key and a wrong key. No or a wrong key answers 401, a role the route does not allow
 * 403, an allowed one anything but those (a 404 or 422 for a made-up id is fine), and a supplier asking for another
 * supplier's request 404. A route the router lists without an expectation here fails the test.
 */
@ExtendWith(RealInfrastructure.class)
class AuthorizationMatrixTest {
    static final String SUP_A = "mx-sup-a";
    static final String SUP_B = "mx-sup-b";
    static final String WAREHOUSE = "mx-wh";
    static final String OTHER_PLATFORM_KEY = "mx-platform-2";
    static TestEngine engine;
    static Http http;
    /** A request at supplier A's location, and its order. */
    static String requestA;
    /** A request of supplier A's that the matrix completes (ships): the first caller let through completes it. */
    static String requestToShip;
    static final String ORDER_A = "mx-order-a";

    /** Who calls: the key it sends, if any. */
    enum Caller {
        PLATFORM("mx-platform"), SUPPLIER_A("mx-supplier-a"), SUPPLIER_B("mx-supplier-b"), ANALYST("mx-analyst"),
        ADMIN("mx-admin"), NO_KEY(null), WRONG_KEY("mx-not-a-key");

        final String key;

        Caller(String key) {
            this.key = key;
        }

        Http.Reply send(String method, String path, String body, String... headers) {
            List<String> all = new ArrayList<>(List.of(headers));
            if (key != null) {
                all.addAll(List.of("Authorization", "Bearer " + key));
            }
            return http.send(method, path, body, all.toArray(String[]::new));
        }
    }

    static final Set<Caller> EVERYONE = EnumSet.allOf(Caller.class);
    static final Set<Caller> ADMIN = EnumSet.of(Caller.ADMIN);
    static final Set<Caller> WRITERS = EnumSet.of(Caller.PLATFORM, Caller.ADMIN);
    static final Set<Caller> READERS = EnumSet.of(Caller.PLATFORM, Caller.ANALYST, Caller.ADMIN);
    static final Set<Caller> ANY_KEY = EnumSet.of(Caller.PLATFORM, Caller.SUPPLIER_A, Caller.SUPPLIER_B, Caller.ANALYST, Caller.ADMIN);
    static final Set<Caller> SUPPLIERS_AND_READERS = ANY_KEY;
    static final Set<Caller> SUPPLIERS_AND_WRITERS = EnumSet.of(Caller.PLATFORM, Caller.SUPPLIER_A, Caller.SUPPLIER_B, Caller.ADMIN);

    /**
     * What one route expects: how to call it, who may, and which allowed callers it scopes out (404: the thing named
     * belongs to supplier A's location).
     */
    record Expectation(String method, String template, String path, String body, Set<Caller> allowed, Set<Caller> scopedOut) {
        String route() {
            return method + " " + template;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-authz.").prefix(), Map.of("allotment.api-keys",
            "mx-platform=platform," + OTHER_PLATFORM_KEY + "=platform,mx-supplier-a=supplier:" + SUP_A
                + ",mx-supplier-b=supplier:" + SUP_B + ",mx-analyst=analyst,mx-admin=admin"));
        http = engine.http();
        admin("PUT", "/locations/" + WAREHOUSE, "{\"name\":\"Matrix warehouse\"}");
        for (String supplier : List.of(SUP_A, SUP_B)) {
            admin("PUT", "/locations/" + supplier, "{\"name\":\"" + supplier + "\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
                + "\"confirm_timeout_seconds\":3600,\"tracks_stock\":false}");
        }
        admin("PUT", "/channels/mx/routing", "{\"locations\":[\"" + SUP_A + "\"]}");
        admin("PUT", "/stock/" + WAREHOUSE + "/MX-1", "{\"physical\":100}");
        requestA = placeAtSupplierA(ORDER_A, "MX-1");
        requestToShip = placeAtSupplierA("mx-order-ship", "MX-4");
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Every route: the paths name real things where the answer depends on who owns them. */
    static List<Expectation> expectations() {
        String order = "{\"order_id\":\"mx-new\",\"channel\":\"manual\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"MX-1\",\"quantity\":1}]}";
        Set<Caller> none = Set.of();
        Set<Caller> notB = EnumSet.of(Caller.SUPPLIER_B);
        return List.of(
            new Expectation("POST", "/orders", "/orders", order, WRITERS, none),
            new Expectation("POST", "/orders/{orderId}/cancel", "/orders/mx-unknown/cancel", "{}", WRITERS, none),
            new Expectation("POST", "/orders/{orderId}/lines", "/orders/mx-unknown/lines",
                "{\"line_id\":\"l-9\",\"sku\":\"S\",\"quantity\":1}", WRITERS, none),
            new Expectation("PATCH", "/orders/{orderId}/lines/{lineId}", "/orders/mx-unknown/lines/l-1", "{\"quantity\":2}", WRITERS, none),
            new Expectation("POST", "/holds", "/holds",
                "{\"hold_id\":\"mx-h\",\"sku\":\"MX-NONE\",\"quantity\":1,\"channel\":\"mx-none\",\"ttl_seconds\":60}", WRITERS, none),
            new Expectation("POST", "/holds/{holdId}/release", "/holds/mx-h/release", "{\"sku\":\"MX-NONE\"}", WRITERS, none),
            new Expectation("POST", "/orders/{orderId}/lines/{lineId}/cancel", "/orders/mx-unknown/lines/l-1/cancel", "{}", WRITERS, none),
            new Expectation("GET", "/orders/{orderId}{?as_of}", "/orders/" + ORDER_A, null, READERS, none),
            new Expectation("GET", "/orders/{orderId}/events", "/orders/" + ORDER_A + "/events", null, READERS, none),
            new Expectation("GET", "/reservations", "/reservations", null, READERS, none),
            new Expectation("PUT", "/locations/{id}", "/locations/mx-new-location", "{\"name\":\"New\"}", ADMIN, none),
            new Expectation("GET", "/locations/{id}", "/locations/" + SUP_A, null, READERS, none),
            new Expectation("GET", "/locations", "/locations", null, READERS, none),
            new Expectation("PUT", "/channels/{channel}/routing", "/channels/mx-other/routing",
                "{\"locations\":[\"" + WAREHOUSE + "\"]}", ADMIN, none),
            new Expectation("GET", "/channels/{channel}/routing", "/channels/mx/routing", null, READERS, none),
            new Expectation("PUT", "/stock/{locationId}/{sku}", "/stock/" + WAREHOUSE + "/MX-2", "{\"physical\":1}", WRITERS, none),
            new Expectation("POST", "/stock/adjustments", "/stock/adjustments", "{\"adjustments\":[{\"location_id\":\""
                + WAREHOUSE + "\",\"sku\":\"MX-2\",\"delta\":1}]}", WRITERS, none),
            new Expectation("GET", "/stock/{sku}", "/stock/MX-1", null, READERS, none),
            new Expectation("PUT", "/stock/{locationId}/{sku}/incoming", "/stock/" + WAREHOUSE + "/MX-2/incoming",
                "[{\"quantity\":1,\"expected_at\":\"2030-01-10T00:00:00Z\"}]", WRITERS, none),
            new Expectation("GET", "/stock/{sku}/atp", "/stock/MX-1/atp", null, READERS, none),
            new Expectation("GET", "/stock", "/stock", null, READERS, none),
            new Expectation("POST", "/orders/{orderId}/allocations", "/orders/mx-unknown/allocations", "{\"allocation\":"
                + "{\"warehouse_id\":\"" + WAREHOUSE + "\",\"line_items_attributes\":[{\"sellable_id\":\"MX-1\",\"quantity\":1}]}}",
                WRITERS, none),
            new Expectation("GET", "/allocations/orders/{orderId}", "/allocations/orders/" + ORDER_A, null, READERS, none),
            new Expectation("POST", "/allocations/orders/{orderId}", "/allocations/orders/mx-unknown", "{\"allocations\":[]}",
                WRITERS, none),
            new Expectation("PATCH", "/allocations/orders/{orderId}", "/allocations/orders/mx-unknown", "{\"allocations\":[]}",
                WRITERS, none),
            new Expectation("DELETE", "/allocations/orders/{orderId}", "/allocations/orders/mx-unknown", null, WRITERS, none),
            new Expectation("GET", "/allocations", "/allocations", null, READERS, none),
            new Expectation("GET", "/allocation-requests", "/allocation-requests", null, SUPPLIERS_AND_READERS, none),
            new Expectation("GET", "/allocation-requests/{id}", "/allocation-requests/" + encode(requestA), null,
                SUPPLIERS_AND_READERS, notB),
            new Expectation("POST", "/allocation-requests/{id}/confirm", "/allocation-requests/" + encode(requestA) + "/confirm",
                "{}", SUPPLIERS_AND_WRITERS, notB),
            new Expectation("POST", "/allocation-requests/{id}/reject", "/allocation-requests/" + encode(requestA) + "/reject",
                "{\"reason\":\"matrix\"}", SUPPLIERS_AND_WRITERS, notB),
            new Expectation("POST", "/allocation-requests/{id}/complete", "/allocation-requests/" + encode(requestToShip) + "/complete",
                null, SUPPLIERS_AND_WRITERS, notB),
            new Expectation("PUT", "/orders/allocation/{orderId}{/slash}", "/orders/allocation/" + ORDER_A + "/",
                "{\"line_items\":[{\"line_item_uuid\":\"l-1\",\"allocation\":{\"quantity_accepted\":1}}]}", SUPPLIERS_AND_WRITERS, notB),
            new Expectation("GET", "/commands/{commandId}", "/commands/mx-unknown?sku=MX-1", null, ANY_KEY, none),
            new Expectation("GET", "/health", "/health", null, EVERYONE, none),
            new Expectation("GET", "/health/{selector}", "/health/readiness", null, EVERYONE, none),
            new Expectation("GET", "/prometheus", "/prometheus", null, ADMIN, none),
            new Expectation("GET", "/admin/transactions", "/admin/transactions", null, ADMIN, none),
            new Expectation("GET", "/admin/instance", "/admin/instance", null, ADMIN, none),
            // a request that is not failed: the admin's call is let through (409) and sends nothing
            new Expectation("POST", "/admin/allocation-requests/{requestId}/resend", "/admin/allocation-requests/"
                + encode(requestA) + "/resend", null, ADMIN, none),
            // the other instances' alone (the cluster secret): no API key, the admin's included
            new Expectation("GET", "/internal/state/{query}", "/internal/state/order?key=" + ORDER_A, null, none, none),
            // names another instance, so that the admin's call is let through (400) without draining this one
            new Expectation("POST", "/admin/drain", "/admin/drain", "{\"instance\":\"elsewhere:1\"}", ADMIN, none));
    }

    /** The expectations, each GET's also for its HEAD (Micronaut answers HEAD wherever it answers GET). */
    static List<Expectation> withHeads(List<Expectation> expectations) {
        List<Expectation> all = new ArrayList<>(expectations);
        expectations.stream().filter(e -> e.method().equals("GET"))
            .forEach(e -> all.add(new Expectation("HEAD", e.template(), e.path(), null, e.allowed(), e.scopedOut())));
        return all;
    }

    @Test
    void everyRouteAnswersEveryCallerAsItsRolesSay() {
        List<Expectation> expectations = withHeads(expectations());
        Set<String> expected = new TreeSet<>();
        expectations.forEach(e -> assertTrue(expected.add(e.route()), "listed twice: " + e.route()));
        Set<String> routed = Routes.listed(engine.context());
        Set<String> unlisted = new TreeSet<>(routed);
        unlisted.removeAll(expected);
        Set<String> gone = new TreeSet<>(expected);
        gone.removeAll(routed);

        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Expectation e : expectations) {
            for (Caller caller : Caller.values()) {
                Http.Reply reply = caller.send(e.method(), e.path(), e.body());
                cells++;
                Optional<String> problem = problem(e, caller, reply);
                problem.ifPresent(p -> wrong.add(e.route() + " as " + caller + ": " + p));
            }
        }
        unlisted.forEach(r -> wrong.add(r + ": routed, but has no expectation here (add one)"));
        gone.forEach(r -> wrong.add(r + ": expected, but the edge has no such route"));
        assertEquals(List.of(), wrong, wrong.size() + " problems; " + cells + " cells called");
        System.out.printf("authorization matrix: %d routes x %d callers = %d cells%n", expectations.size(),
            Caller.values().length, cells);
    }

    /** What is wrong with {@code reply} to {@code caller} on route {@code e}, if anything. */
    static Optional<String> problem(Expectation e, Caller caller, Http.Reply reply) {
        int status = reply.status();
        String got = "answered " + status + " " + abbreviate(reply.body());
        if (e.allowed().contains(caller)) {
            if (e.scopedOut().contains(caller)) {
                return status == 404 ? Optional.empty() : Optional.of("expected 404 (not its own), " + got);
            }
            if (status == 401 || status == 403 || status >= 500) {
                return Optional.of("expected to be let through, " + got);
            }
            if (status == 404 && e.scopedOut().contains(Caller.SUPPLIER_B) && caller == Caller.SUPPLIER_A) {
                return Optional.of("supplier A owns it, yet " + got);
            }
            return Optional.empty();
        }
        int expected = caller == Caller.NO_KEY || caller == Caller.WRONG_KEY ? 401 : 403;
        if (status != expected) {
            return Optional.of("expected " + expected + ", " + got);
        }
        if (e.method().equals("HEAD")) {
            return Optional.empty();
        }
        String error = reply.json().path("error").asText();
        String code = expected == 401 ? "unauthorized" : "forbidden";
        return error.equals(code) && reply.json().hasNonNull("message") ? Optional.empty()
            : Optional.of("expected the error body {\"error\":\"" + code + "\",\"message\":…}, " + got);
    }

    @Test
    void managementEndpointsOtherThanHealthAndMetricsAreOff() {
        Map<String, String> off = new LinkedHashMap<>();
        for (String path : List.of("/beans", "/routes", "/threaddump", "/metrics", "/loggers", "/env", "/info", "/caches")) {
            off.put("GET " + path, null);
        }
        off.put("POST /refresh", "{}");
        off.put("POST /stop", "{}");
        List<String> wrong = new ArrayList<>();
        off.forEach((route, body) -> {
            String[] parts = route.split(" ");
            for (Caller caller : List.of(Caller.NO_KEY, Caller.ADMIN)) {
                int status = caller.send(parts[0], parts[1], body).status();
                if (status != 404) {
                    wrong.add(route + " as " + caller + " answered " + status);
                }
            }
        });
        assertEquals(List.of(), wrong, "these management endpoints must be off");
    }

    @Test
    void aCallerIsAuthenticatedBeforeWhatItSentIsLookedAt() {
        // an id with a control character is a 400 for a caller who may call the route; an unknown caller learns only 401
        assertEquals(401, Caller.NO_KEY.send("PUT", "/stock/wh-a/SKU%01X", "{\"physical\":1}").status());
        assertEquals(401, Caller.WRONG_KEY.send("PUT", "/stock/wh-a/SKU%01X", "{\"physical\":1}").status());
        assertEquals(403, Caller.ANALYST.send("PUT", "/stock/wh-a/SKU%01X", "{\"physical\":1}").status());
        assertEquals(400, Caller.ADMIN.send("PUT", "/stock/wh-a/SKU%01X", "{\"physical\":1}").status());
    }

    @Test
    void healthIsOpenButTellsNoDetails() {
        for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
            Http.Reply reply = Caller.NO_KEY.send("GET", path, null);
            assertEquals(200, reply.status(), path + ": " + reply.body());
            assertEquals("UP", reply.json().path("status").asText(), reply.body());
            List<String> fields = new ArrayList<>();
            reply.json().fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("status"), fields, path + " tells only its status: " + reply.body());
        }
    }

    @Test
    void theEdgeListensOnLoopbackUnlessConfigured() throws IOException {
        assertEquals("127.0.0.1", engine.context().getProperty("micronaut.server.host", String.class).orElse(null),
            "the default bind address (ALLOTMENT_HTTP_HOST unset)");
        int port = engine.context().getProperty("micronaut.server.port", Integer.class).orElseThrow();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, port), 2000);
                        throw new AssertionError("the edge answers on " + address + ":" + port);
                    } catch (IOException refused) {
                        // as it should: nothing listens there
                    }
                }
            }
        }
    }

    @Test
    void aSupplierSeesOnlyItsOwnLocationsRequests() {
        assertTrue(requestIds(Caller.SUPPLIER_A).contains(requestA));
        assertFalse(requestIds(Caller.SUPPLIER_B).contains(requestA), "supplier B must not list supplier A's request");
        assertTrue(requestIds(Caller.ADMIN).contains(requestA));
        assertEquals(404, Caller.SUPPLIER_B.send("GET", "/allocation-requests/" + encode(requestA), null).status());
    }

    @Test
    void aStockCommandsOutcomeIsReadableByItsSenderAndAdminOnly() {
        Http.Reply set = Caller.PLATFORM.send("PUT", "/stock/" + WAREHOUSE + "/MX-CMD", "{\"physical\":3}",
            "Idempotency-Key", "mx-stock-1");
        assertEquals(200, set.status(), set.body());
        String outcome = "/commands/" + encode(scoped(Role.PLATFORM, "mx-platform", "mx-stock-1") + ":stock:" + WAREHOUSE + ":MX-CMD")
            + "?sku=MX-CMD";
        assertReadableOnlyBy(outcome, Caller.PLATFORM);
        assertEquals(404, http.send("GET", outcome, null, "Authorization", "Bearer " + OTHER_PLATFORM_KEY).status(),
            "another platform's key must not read it");
    }

    @Test
    void anAllocationCommandsOutcomeIsReadableByItsSenderAndAdminOnly() {
        Http.Reply veeqo = Caller.PLATFORM.send("POST", "/orders/" + ORDER_A + "/allocations", "{\"allocation\":{\"warehouse_id\":\""
            + WAREHOUSE + "\",\"line_items_attributes\":[{\"sellable_id\":\"MX-1\",\"quantity\":1}]}}", "Idempotency-Key", "mx-veeqo-1");
        assertTrue(veeqo.status() == 201 || veeqo.status() == 409 || veeqo.status() == 422, veeqo.body());
        String outcome = "/commands/" + encode(scoped(Role.PLATFORM, "mx-platform", "mx-veeqo-1") + ":allocate:MX-1") + "?sku=MX-1";
        assertReadableOnlyBy(outcome, Caller.PLATFORM);
        assertEquals(404, http.send("GET", outcome, null, "Authorization", "Bearer " + OTHER_PLATFORM_KEY).status());
    }

    @Test
    void aSuppliersAnswerIsReadableByThatSupplierAndAdminOnly() {
        String request = placeAtSupplierA("mx-order-c", "MX-3");
        Http.Reply confirmed = Caller.SUPPLIER_A.send("POST", "/allocation-requests/" + encode(request) + "/confirm", "{}",
            "Idempotency-Key", "mx-confirm-1");
        assertEquals(200, confirmed.status(), confirmed.body());
        assertReadableOnlyBy("/commands/" + encode(scoped(Role.SUPPLIER, "mx-supplier-a", "mx-confirm-1") + ":confirm:" + request
            + ":MX-3") + "?sku=MX-3", Caller.SUPPLIER_A);
    }

    /** How a caller's Idempotency-Key is named in command ids: scoped to the caller. */
    static String scoped(Role role, String apiKey, String idempotencyKey) {
        return IdempotencyKeys.scope(ApiKeys.name(role, apiKey), idempotencyKey);
    }

    /** The outcome at {@code path} answers its sender and admin; every other key gets 404, as if it did not exist. */
    static void assertReadableOnlyBy(String path, Caller sender) {
        for (Caller caller : ANY_KEY) {
            Http.Reply reply = caller.send("GET", path, null);
            if (caller == sender || caller == Caller.ADMIN) {
                assertEquals(200, reply.status(), caller + ": " + reply.body());
            } else {
                assertEquals(404, reply.status(), caller + " must not see it: " + reply.body());
                assertEquals("not_found", reply.json().path("error").asText(), reply.body());
            }
        }
    }

    // --- set-up, as admin ---

    static Http.Reply admin(String method, String path, String body) {
        Http.Reply reply = Caller.ADMIN.send(method, path, body);
        assertTrue(reply.status() / 100 == 2, () -> method + " " + path + ": " + reply.status() + " " + reply.body());
        return reply;
    }

    /** Places an order of one unit of {@code sku} on channel mx (routed to supplier A); returns its request's id. */
    static String placeAtSupplierA(String orderId, String sku) {
        admin("POST", "/orders", "{\"order_id\":\"" + orderId + "\",\"channel\":\"mx\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\""
            + sku + "\",\"quantity\":1}]}");
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode requests = admin("GET", "/allocation-requests?order=" + orderId, null).json().path("allocation_requests");
            id[0] = requests.size() == 1 ? requests.get(0).path("id").asText() : null;
            return id[0] != null;
        });
        return id[0];
    }

    static Set<String> requestIds(Caller caller) {
        Http.Reply reply = caller.send("GET", "/allocation-requests?status=all", null);
        assertEquals(200, reply.status(), reply.body());
        Set<String> ids = new TreeSet<>();
        reply.json().path("allocation_requests").forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String abbreviate(String body) {
        return body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
