package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.DecisionLog;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16: three engine processes (separate JVMs and state directories, one application id) on one real broker. Clients
 * are spread over all three: every read route answers the same on each, whichever instance holds the key; commands
 * posted to any instance are decided once, and a retry with the same Idempotency-Key on another instance gets the first
 * answer. Then one instance is drained (it leaves the group; the others answer for everything) and one is killed with
 * SIGKILL (reads keep answering, from standby copies marked stale, or 503 with Retry-After; never another 5xx).
 */
@ExtendWith(RealInfrastructure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceIT {
    static final String KEY = "multi-admin";
    static final Topics TOPICS = Topics.withPrefix("multi.");
    static final int SKUS = 10;
    static final int ORDERS = 30;
    static final List<EngineProcess> engines = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        for (int i = 0; i < 3; i++) {
            engines.add(new EngineProcess(Map.of("ALLOTMENT_KAFKA", infra.bootstrapServers(),
                "ALLOTMENT_REGISTRY", infra.registryUrl(),
                "ALLOTMENT_STATE_DIR", TempDirs.create("multi-state-" + i).toString(),
                "ALLOTMENT_TOPIC_PREFIX", TOPICS.prefix(), "ALLOTMENT_APPLICATION_ID", "multi-engine",
                "ALLOTMENT_PARTITIONS", "6", "ALLOTMENT_API_KEYS", KEY + "=admin",
                "ALLOTMENT_CLUSTER_SECRET", "multi-secret"),
                List.of(), Files.createTempFile("multi-engine-" + i, ".log")));
        }
        for (EngineProcess engine : engines) {
            engine.launch();
        }
        for (EngineProcess engine : engines) {
            engine.awaitHealthy(Duration.ofSeconds(180));
        }
        awaitAllReady();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (EngineProcess engine : engines) {
            engine.close();
        }
    }

    /** Until every live instance is ready (Kafka Streams RUNNING: the group has settled and every task is restored). */
    static void awaitAllReady() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> engines.stream()
            .filter(EngineProcess::alive).allMatch(EngineProcess::healthy));
    }

    static Http.Reply call(int instance, String method, String path, String body, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + KEY));
        all.addAll(List.of(headers));
        return engines.get(instance).http().send(method, path, body, all.toArray(String[]::new));
    }

    static JsonNode ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
        return reply.json();
    }

    /** As a client does: a 503 with Retry-After (a partition moving, no copy answering yet) is asked again. */
    static JsonNode okRetrying(int instance, String method, String path, String body, String... headers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Http.Reply reply = call(instance, method, path, body, headers);
            if (reply.status() != 503 || System.nanoTime() > deadline) {
                return ok(reply);
            }
            assertTrue(reply.headers().firstValue("Retry-After").isPresent(), reply.body());
            Thread.sleep(500);
        }
    }

    /** The order ids of a page of /reservations. */
    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(o -> ids.add(o.path("order").path("id").asText()));
        return ids;
    }

    static String sku(int i) {
        return "MI-" + (i % SKUS);
    }

    @Test
    @Order(1)
    void commandsPostedToAnyInstanceAreDecidedOnceAndEveryReadAnswersTheSameEverywhere() throws Exception {
        ok(call(0, "PUT", "/locations/wh-m", "{\"name\":\"Multi warehouse\"}"));
        ok(call(1, "PUT", "/locations/sup-m", "{\"name\":\"Multi supplier\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":3600,\"tracks_stock\":false}"));
        ok(call(2, "PUT", "/channels/mi/routing", "{\"locations\":[\"wh-m\",\"sup-m\"]}"));
        for (int s = 0; s < SKUS; s++) {
            ok(call(s % 3, "PUT", "/stock/wh-m/" + sku(s), "{\"physical\":2}"));
        }
        // 30 orders of one unit over 10 SKUs with 2 each at the warehouse: 20 allocated there, 10 requested of the supplier
        for (int i = 0; i < ORDERS; i++) {
            Http.Reply placed = call(i % 3, "POST", "/orders", "{\"order_id\":\"mi-" + i + "\",\"channel\":\"mi\",\"lines\":"
                + "[{\"line_id\":\"l-1\",\"sku\":\"" + sku(i) + "\",\"quantity\":1}]}", "Idempotency-Key", "place-" + i);
            assertTrue(placed.status() == 201 || placed.status() == 202, placed.status() + " " + placed.body());
        }
        List<String> requests = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode listed = call(0, "GET", "/allocation-requests", null).json().path("allocation_requests");
            requests.clear();
            listed.forEach(r -> requests.add(r.path("id").asText()));
            return requests.size() == ORDERS - 2 * SKUS;
        });

        // each request confirmed through one instance, then the same call retried through the next: one decision
        Map<String, String> firstAnswers = new TreeMap<>();
        for (int i = 0; i < requests.size(); i++) {
            String path = "/allocation-requests/" + URLEncoder.encode(requests.get(i), StandardCharsets.UTF_8) + "/confirm";
            Http.Reply first = call(i % 3, "POST", path, "{}", "Idempotency-Key", "confirm-" + i);
            assertEquals(200, first.status(), first.body());
            Http.Reply retried = call((i + 1) % 3, "POST", path, "{}", "Idempotency-Key", "confirm-" + i);
            assertEquals(first.status(), retried.status(), retried.body());
            assertEquals(first.json(), retried.json(), "the retry on another instance gets the first answer");
            firstAnswers.put(requests.get(i), first.body());
        }
        // a stock change through each instance, each retried through another: applied once
        for (int s = 0; s < 3; s++) {
            String body = "{\"adjustments\":[{\"location_id\":\"wh-m\",\"sku\":\"" + sku(s) + "\",\"delta\":5,\"reason\":\"receipt\"}]}";
            Http.Reply first = call(s, "POST", "/stock/adjustments", body, "Idempotency-Key", "adjust-" + s);
            assertEquals(200, first.status(), first.body());
            Http.Reply retried = call((s + 2) % 3, "POST", "/stock/adjustments", body, "Idempotency-Key", "adjust-" + s);
            assertEquals(first.json(), retried.json());
        }

        for (String request : requests) {
            String orderId = call(0, "GET", "/allocation-requests/" + URLEncoder.encode(request, StandardCharsets.UTF_8), null)
                .json().path("allocation_request").path("order").path("id").asText();
            List<String> confirmed = new ArrayList<>();
            ok(call(2, "GET", "/orders/" + orderId + "/events", null)).path("events").forEach(e -> {
                if (e.path("type").asText().equals("AllocationConfirmed")) {
                    confirmed.add(e.toString());
                }
            });
            assertEquals(1, confirmed.size(), "decided once: " + orderId + " " + confirmed);
        }
        for (int s = 0; s < SKUS; s++) {
            JsonNode totals = ok(call(s % 3, "GET", "/stock/" + sku(s), null)).path("totals");
            assertEquals(s < 3 ? 7 : 2, totals.path("physical").asInt(), "each adjustment applied once: " + totals);
        }

        // every read route, on every instance: the same answer
        List<String> reads = new ArrayList<>(List.of("/stock", "/stock?location_id=wh-m", "/reservations?limit=100",
            "/allocations?limit=100", "/allocation-requests", "/locations", "/locations/sup-m",
            "/channels/mi/routing", "/reservations?limit=7", "/allocations?limit=7"));
        for (int i = 0; i < ORDERS; i++) {
            reads.addAll(List.of("/orders/mi-" + i, "/orders/mi-" + i + "/events", "/allocations/orders/mi-" + i));
        }
        for (int s = 0; s < SKUS; s++) {
            reads.add("/stock/" + sku(s));
        }
        for (String request : requests) {
            reads.add("/allocation-requests/" + URLEncoder.encode(request, StandardCharsets.UTF_8));
        }
        Map<String, List<String>> differing = new LinkedHashMap<>();
        for (String path : reads) {
            List<Http.Reply> answers = new ArrayList<>();
            for (int instance = 0; instance < 3; instance++) {
                answers.add(call(instance, "GET", path, null));
            }
            // the same JSON (a view's field order may differ between processes, which JSON does not mind)
            if (answers.stream().anyMatch(a -> a.status() != 200 || !a.json().equals(answers.get(0).json()))) {
                differing.put(path, answers.stream().map(a -> a.status() + " " + a.body()).toList());
            }
        }
        assertEquals(Map.of(), differing, "routes whose answers differ between instances (or are not 200)");

        // pages of 7 across every instance's partitions, each page asked of another instance: every order once, in order
        List<String> forward = new ArrayList<>();
        String cursor = null;
        JsonNode lastPage = null;
        for (int page = 0; page < 10 && (page == 0 || cursor != null); page++) {
            lastPage = ok(call(page % 3, "GET", "/reservations?limit=7" + (cursor == null ? "" : "&cursor=" + cursor), null));
            lastPage.path("data").forEach(r -> forward.add(r.path("order").path("id").asText()));
            cursor = lastPage.path("next_cursor").isNull() ? null : lastPage.path("next_cursor").asText();
        }
        List<String> sorted = new ArrayList<>(new TreeSet<>(forward));
        assertEquals(sorted, forward, "pages in order, no order twice");
        assertEquals(ORDERS, forward.size(), "every order on some page");
        JsonNode back = ok(call(1, "GET", "/reservations?limit=7&cursor=" + lastPage.path("previous_cursor").asText(), null));
        List<String> previous = new ArrayList<>();
        back.path("data").forEach(r -> previous.add(r.path("order").path("id").asText()));
        int end = forward.size() - (ORDERS % 7 == 0 ? 7 : ORDERS % 7);
        assertEquals(forward.subList(end - 7, end), previous, "the page before the last, asked backwards");
        System.out.printf("multi-instance: %d read routes answered the same on 3 instances; %d confirms and 3 adjustments "
            + "retried across instances, each decided once%n", reads.size(), firstAnswers.size());
    }

    @Test
    @Order(2)
    void aDrainedInstanceLeavesAndTheOthersAnswerForEverything() throws Exception {
        Http.Reply named = call(2, "GET", "/admin/instance", null);
        String instance = ok(named).path("instance").asText();
        assertEquals(400, call(2, "POST", "/admin/drain", "{\"instance\":\"elsewhere:1\"}").status(),
            "a drain that names another instance is refused");
        JsonNode drained = ok(call(2, "POST", "/admin/drain", "{\"instance\":\"" + instance + "\"}"));
        assertEquals("NOT_RUNNING", drained.path("state").asText(), drained.toString());
        assertEquals(503, engines.get(2).http().send("GET", "/health/readiness", null).status(), "a drained instance is not ready");
        assertEquals(200, engines.get(2).http().send("GET", "/health/liveness", null).status(), "but alive: it was stopped on purpose");
        await().atMost(Duration.ofSeconds(60)).until(() -> engines.subList(0, 2).stream().allMatch(EngineProcess::healthy));
        for (int i = 0; i < ORDERS; i++) {
            for (int survivor = 0; survivor < 2; survivor++) {
                // while the group settles, a partition whose new owner still restores answers 503 with Retry-After
                assertEquals("mi-" + i, okRetrying(survivor, "GET", "/orders/mi-" + i, null).path("order_id").asText());
            }
        }
        // a list needs every partition answered: while the group still moves one (a follow-up rebalance), 503 and retry
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Http.Reply list = call(1, "GET", "/reservations?limit=100", null);
            assertTrue(list.status() == 200 || list.status() == 503 && list.headers().firstValue("Retry-After").isPresent(),
                () -> list.status() + " " + list.body());
            return list.status() == 200 && list.json().path("data").size() == ORDERS;
        });
    }

    static final int HOT_SKUS = 6;
    static final int HOT_STOCK = 10;
    static final int HOT_ORDERS = 90;

    /** A Veeqo allocation of order fo-{@code n}'s one unit at wh-m through {@code instance}; -1 when no answer came. */
    static int allocate(int instance, int n) {
        try {
            return call(instance, "POST", "/orders/fo-" + n + "/allocations", "{\"allocation\":{\"warehouse_id\":\"wh-m\","
                + "\"line_items_attributes\":[{\"sellable_id\":\"HOT-" + (n % HOT_SKUS) + "\",\"quantity\":1}]}}",
                "Idempotency-Key", "fo-" + n).status();
        } catch (AssertionError connectionLost) {
            return -1;
        }
    }

    @Test
    @Order(3)
    void killingAnOwnerUnderLoadLosesNoReadOversellsNothingAndAppliesEveryRetryOnce() throws Exception {
        for (int s = 0; s < HOT_SKUS; s++) {
            okRetrying(s % 2, "PUT", "/stock/wh-m/HOT-" + s, "{\"physical\":" + HOT_STOCK + "}");
        }
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> placed = new ArrayList<>();
        for (int n = 0; n < HOT_ORDERS; n++) {
            int order = n;
            placed.add(clients.submit(() -> okRetrying(order % 2, "POST", "/orders", "{\"order_id\":\"fo-" + order
                + "\",\"channel\":\"manual\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"HOT-" + (order % HOT_SKUS)
                + "\",\"quantity\":1}]}", "Idempotency-Key", "fo-place-" + order)));
        }
        for (Future<?> f : placed) {
            f.get();
        }

        // clients spread over both instances allocate one unit each; a call whose answer is lost (the connection, a 503,
        // a 202) is retried with its key on the survivor until it has a final answer
        long[] killedAt = {Long.MAX_VALUE};
        Map<Integer, Integer> finals = new ConcurrentHashMap<>();
        Map<Integer, Long> finalAt = new ConcurrentHashMap<>();
        AtomicInteger retries = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        for (int n = 0; n < HOT_ORDERS; n++) {
            int order = n;
            calls.add(clients.submit(() -> {
                int status = allocate(order % 2, order);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (status != 201 && status != 409 && System.nanoTime() < deadline) {
                    retries.incrementAndGet();
                    Thread.sleep(200);
                    status = allocate(0, order);
                }
                finals.put(order, status);
                finalAt.put(order, System.nanoTime());
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> finals.size() >= HOT_ORDERS / 3);
        List<String> listed = ids(okRetrying(0, "GET", "/reservations?limit=100", null));   // every order is placed by now
        engines.get(1).kill();
        killedAt[0] = System.nanoTime();
        long killed = killedAt[0];

        // meanwhile, reads on the survivor: until it holds every task again, each answers or asks to retry
        Map<Integer, Integer> statuses = new TreeMap<>();
        Set<String> otherErrors = new TreeSet<>();
        int stale = 0;
        Map<String, Integer> lists = new TreeMap<>();
        long fresh = -1;
        while (System.nanoTime() - killed < Duration.ofSeconds(60).toNanos()) {
            // a list needs every partition: the dead owner's from the survivor's standby copies (stale), else 503 (or,
            // asked for, a partial answer naming what it lacks)
            for (String list : List.of("/reservations?limit=100", "/reservations?limit=100&allow_partial=true")) {
                Http.Reply reply = call(0, "GET", list, null);
                String kind = reply.status() + (reply.headers().firstValue("Allotment-Stale").isPresent() ? " stale" : "")
                    + reply.headers().firstValue("Allotment-Partial").map(p -> " partial " + p).orElse("");
                lists.merge(kind, 1, Integer::sum);
                if (reply.status() != 200 && !(reply.status() == 503 && reply.headers().firstValue("Retry-After").isPresent())) {
                    otherErrors.add(list + ": " + reply.status() + " " + reply.body());
                }
                if (reply.status() == 200 && reply.headers().firstValue("Allotment-Partial").isEmpty()) {
                    assertEquals(listed, ids(ok(reply)), "a complete list holds the same orders as before the kill");
                }
            }
            boolean allFresh = true;
            for (int i = 0; i < ORDERS; i++) {
                Http.Reply reply = call(0, "GET", "/orders/mi-" + i, null);
                statuses.merge(reply.status(), 1, Integer::sum);
                boolean markedStale = reply.headers().firstValue("Allotment-Stale").isPresent();
                stale += markedStale ? 1 : 0;
                allFresh &= reply.status() == 200 && !markedStale;
                if (reply.status() != 200 && !(reply.status() == 503 && reply.headers().firstValue("Retry-After").isPresent())) {
                    otherErrors.add(reply.status() + " " + reply.body());
                }
            }
            if (allFresh && engines.get(0).healthy()) {
                fresh = Duration.ofNanos(System.nanoTime() - killed).toMillis();
                break;
            }
        }
        for (Future<?> f : calls) {
            f.get();
        }
        clients.shutdown();

        // per SKU: the first final answer after the kill; on the partitions that moved, it waited for the group
        Map<String, Long> firstAfterKill = new TreeMap<>();
        finalAt.forEach((order, at) -> {
            if (at > killed) {
                firstAfterKill.merge("HOT-" + (order % HOT_SKUS), Duration.ofNanos(at - killed).toMillis(), Math::min);
            }
        });
        System.out.printf("multi-instance: SIGKILL of one of two instances under load: reads answered %s (%d marked stale), "
            + "lists %s, every order fresh again %d ms after the kill; %d allocations retried %d times; first committed decision "
            + "after the kill per SKU (ms) %s%n", statuses, stale, lists, fresh, HOT_ORDERS, retries.get(), firstAfterKill);
        assertEquals(Set.of(), otherErrors, "an answer other than 200, or 503 with Retry-After (an order that exists is never 404)");
        assertTrue(fresh > 0, "the survivor answers every order from its active copy within 60 s: " + statuses);
        assertTrue(lists.keySet().stream().anyMatch(k -> k.startsWith("200 stale")),
            "while the dead owner's partitions had no active copy, a list was answered from the survivor's standbys: " + lists);
        Map<String, Integer> fromTheLog = DecisionLog.allocated(TOPICS, "wh-m");
        for (int s = 0; s < HOT_SKUS; s++) {
            int sku = s;
            long won = finals.entrySet().stream().filter(e -> e.getKey() % HOT_SKUS == sku && e.getValue() == 201).count();
            long refused = finals.entrySet().stream().filter(e -> e.getKey() % HOT_SKUS == sku && e.getValue() == 409).count();
            assertEquals(HOT_ORDERS / HOT_SKUS, won + refused, "every call of HOT-" + s + " has a final answer: " + finals);
            assertEquals(HOT_STOCK, won, "all of HOT-" + s + " allocated, each success once, none oversold");
            JsonNode level = ok(call(0, "GET", "/stock/HOT-" + s, null)).path("totals");
            assertEquals(HOT_STOCK, level.path("allocated").asInt(), "the stock agrees: " + level);
            assertEquals(HOT_STOCK, fromTheLog.getOrDefault("HOT-" + s, 0), "the committed decision log agrees for HOT-" + s);
        }
    }
}
