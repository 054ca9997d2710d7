package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.AuditRun;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hot SKU split into 4 shards (allotment.shards) on a real broker: many single-line orders of it are decided on its
 * shards' partitions, units move between shards by the shard protocol, and nothing is ever allocated beyond the stock,
 * while the API shows the SKU and its totals, never a shard.
 */
@ExtendWith(RealInfrastructure.class)
class ShardedSkuEndToEndTest {
    static final String KEY = "admin-key";
    static final String SKU = "FLASH";
    static final Topics TOPICS = Topics.withPrefix("e2e-shards.");
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin",
            "allotment.shards", SKU + "=4,MANUAL-FLASH=4"));
        http = engine.http();
        ok(call("PUT", "/locations/wh-flash", "{\"name\":\"Flash\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(call("PUT", "/channels/web/routing", "{\"locations\":[\"wh-flash\"]}"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static Http.Reply call(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + KEY);
    }

    static Http.Reply ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
        return reply;
    }

    static int allocated(String orderId) {
        JsonNode lines = call("GET", "/orders/" + orderId, null).json().path("lines");
        return lines.size() == 0 ? 0 : lines.get(0).path("allocated_quantity").asInt();
    }

    @Test
    void manyOrdersOfAShardedSkuAreAllocatedExactlyTheStockAndTheApiShowsTheSkuNotItsShards() throws Exception {
        int stock = 30;
        int orders = 80;
        ok(call("PUT", "/stock/wh-flash/" + SKU, "{\"physical\":" + stock + "}"));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            String id = "flash-" + i;
            calls.add(clients.submit(() -> assertEquals(201, call("POST", "/orders", "{\"order_id\":\"" + id
                + "\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"" + SKU + "\",\"quantity\":1}]}").status())));
        }
        for (Future<?> f : calls) {
            f.get();
        }
        clients.shutdown();

        AtomicInteger most = new AtomicInteger();
        // units sit on the shards the count spread them to; wants, recalls and rebalancing rounds bring them to the
        // shards whose lines wait: in the end the whole stock is allocated, and never more than it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            int allocated = 0;
            for (int i = 0; i < orders; i++) {
                allocated += allocated("flash-" + i);
            }
            most.accumulateAndGet(allocated, Math::max);
            JsonNode totals = call("GET", "/stock/" + SKU, null).json().path("totals");
            assertTrue(totals.path("allocated").asInt() <= totals.path("physical").asInt(), "never oversold: " + totals);
            return allocated == stock;
        });
        assertTrue(most.get() <= stock, "the orders never held more than the stock: " + most.get());
        JsonNode view = ok(call("GET", "/stock/" + SKU, null)).json();
        System.out.println("sharded SKU: " + view);
        assertEquals(SKU, view.path("sku").asText(), view.toString());
        assertEquals(stock, view.path("totals").path("physical").asInt(), view.toString());
        assertEquals(stock, view.path("totals").path("allocated").asInt(), view.toString());
        assertEquals(0, view.path("totals").path("available").asInt(), view.toString());
        assertFalse(view.toString().contains(SKU + "#"), "no shard in the stock view: " + view);
        String listed = ok(call("GET", "/stock?location_id=wh-flash", null)).body();
        assertTrue(listed.contains("\"" + SKU + "\"") && !listed.contains(SKU + "#"), "listed once, as the SKU: " + listed);
        String all = ok(call("GET", "/stock", null)).body();
        assertFalse(all.contains(SKU + "#"), "no shard in the list of every SKU: " + all);
        for (int i = 0; i < orders; i += 7) {
            String order = call("GET", "/orders/flash-" + i, null).body();
            String log = call("GET", "/orders/flash-" + i + "/events", null).body();
            assertFalse(order.contains(SKU + "#") || log.contains(SKU + "#"), "no shard in the order or its log: " + order + log);
        }
        // the audit replays the decision log and the stock events, reads the feed and the live engine: all agree
        String base = "http://127.0.0.1:" + engine.context().getEnvironment().getProperty("micronaut.server.port", Integer.class).orElseThrow();
        AtomicReference<AuditRun.Result> audit = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            audit.set(AuditRun.of(RealInfrastructure.endpoints().bootstrapServers(), TOPICS, engine.context().getBean(AvroSerdes.class),
                base, "admin-key"));
            return audit.get().differences().isEmpty();
        });
        System.out.println("sharded SKU, " + audit.get().summary());
    }

    @Test
    void manualAllocationsOfAShardedSkuReachTheLinesShardAndNeverOversell() throws Exception {
        String sku = "MANUAL-FLASH";
        int stock = 12;
        int orders = 30;
        ok(call("PUT", "/locations/wh-manual", "{\"name\":\"Manual\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(call("PUT", "/stock/wh-manual/" + sku, "{\"physical\":" + stock + "}"));
        for (int i = 0; i < orders; i++) {
            assertEquals(201, call("POST", "/orders", "{\"order_id\":\"man-" + i + "\",\"channel\":\"manual\",\"lines\":[{\"line_id\":"
                + "\"l-1\",\"sku\":\"" + sku + "\",\"quantity\":1}]}").status());
        }
        Map<Integer, Integer> codes = new ConcurrentHashMap<>();
        for (int i = 0; i < orders; i++) {
            codes.merge(call("POST", "/orders/man-" + i + "/allocations", "{\"allocation\":{\"warehouse_id\":\"wh-manual\","
                + "\"line_items_attributes\":[{\"sellable_id\":\"" + sku + "\",\"quantity\":1}]}}").status(), 1, Integer::sum);
        }
        System.out.println("sharded SKU, manual: codes " + codes);
        int accepted = codes.getOrDefault(201, 0);
        assertTrue(accepted > 0 && accepted <= stock, "some accepted, never more than the stock: " + codes);
        assertEquals(orders, codes.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(codes.keySet().stream().allMatch(c -> c == 201 || c == 409), "accepted, or refused for lack of stock: " + codes);
        JsonNode totals = ok(call("GET", "/stock/" + sku, null)).json().path("totals");
        assertEquals(stock, totals.path("physical").asInt(), totals.toString());
        assertEquals(accepted, totals.path("allocated").asInt(), totals.toString());
    }
}
