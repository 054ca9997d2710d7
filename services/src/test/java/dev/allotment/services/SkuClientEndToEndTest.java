package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.engine.StreamsRuntime;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.state.EngineClients;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SKU tasks on a Kafka Streams client of their own ({@code allotment.streams.sku-commit-interval-ms},
 * docs/design/sku-client.md), on a real broker: each client runs its own tasks alone; orders, stock changes and manual
 * allocations are decided and answered; a location is found as soon as it is written; and with a second instance,
 * every order and stock level is answered by either instance, whichever client of which instance holds it.
 */
@ExtendWith(RealInfrastructure.class)
class SkuClientEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-sku-client.");
    static final String ADMIN = "admin-key";
    static final Map<String, Object> SETTINGS = Map.of("allotment.api-keys", ADMIN + "=admin",
        "allotment.cluster.secret", "e2e-sku-client-secret", "allotment.streams.sku-commit-interval-ms", 10);

    @Test
    void twoClientsPerInstanceDecideAndAnswerEveryKeyFromEitherInstance() throws Exception {
        try (TestEngine first = TestEngine.start(TOPICS.prefix(), SETTINGS)) {
            Http http = first.http();
            ok(http, "PUT", "/locations/wh-s", "{\"name\":\"S\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":true}");
            // named at once: the location's answer waited until both clients' copies of the locations held it
            ok(http, "PUT", "/channels/web/routing", "{\"locations\":[\"wh-s\"]}");
            for (int i = 0; i < 6; i++) {
                ok(http, "PUT", "/stock/wh-s/SKU-" + i, "{\"physical\":5}");
            }
            for (int i = 0; i < 6; i++) {
                assertEquals(201, http.keyed(ADMIN, "POST", "/orders", "{\"order_id\":\"sc-" + i + "\",\"channel\":\"web\","
                    + "\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"SKU-" + i + "\",\"quantity\":2}]}", null).status());
            }
            for (int i = 0; i < 6; i++) {
                String id = "sc-" + i;
                await().atMost(Duration.ofSeconds(30)).until(() -> allocated(http, id) == 2);
            }
            assertClientsRunTheirOwnTasks(first);
            StreamsRuntime runtime = first.context().getBean(StreamsRuntime.class);
            assertEquals("10", String.valueOf(runtime.properties().get(StreamsConfig.POLL_MS_CONFIG)),
                "the order client's poll fits its 50 ms commit interval");
            assertEquals("2", String.valueOf(runtime.skuClientProperties().orElseThrow().get(StreamsConfig.POLL_MS_CONFIG)),
                "the SKU client's fits its own 10 ms");

            // a manual allocation: a committed answer from the SKU client's task
            assertEquals(201, http.keyed(ADMIN, "POST", "/orders", "{\"order_id\":\"sc-manual\",\"channel\":\"manual\","
                + "\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"SKU-0\",\"quantity\":1}]}", null).status());
            await().atMost(Duration.ofSeconds(30)).until(() -> http.keyed(ADMIN, "GET", "/orders/sc-manual", null, null)
                .status() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> allocate(http).status() != 422);
            Http.Reply allocated = allocate(http);
            assertEquals(201, allocated.status(), allocated.body());
            assertEquals(2, ok(http, "GET", "/stock/SKU-0", null).path("totals").path("available").asInt(),
                "5 on hand, 2 for sc-0, 1 for sc-manual: " + http.keyed(ADMIN, "GET", "/stock/SKU-0", null, null).body());

            Map<String, Object> second = new HashMap<>(SETTINGS);
            try (TestEngine other = TestEngine.start(TOPICS.prefix(), second)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> holdsTasks(other) && holdsTasks(first));
                assertClientsRunTheirOwnTasks(first);
                assertClientsRunTheirOwnTasks(other);
                for (TestEngine asked : List.of(first, other)) {
                    for (int i = 0; i < 6; i++) {
                        String id = "sc-" + i;
                        await().atMost(Duration.ofSeconds(30)).until(() -> allocated(asked.http(), id) == 2);
                        int sku = i;
                        await().atMost(Duration.ofSeconds(30)).until(() -> asked.http().keyed(ADMIN, "GET", "/stock/SKU-" + sku,
                            null, null).status() == 200);
                        JsonNode stock = ok(asked.http(), "GET", "/stock/SKU-" + i, null);
                        assertEquals(i == 0 ? 2 : 3, stock.path("totals").path("available").asInt(), stock.toString());
                    }
                    assertEquals(200, asked.http().send("GET", "/health", null).status());
                }
            }
        }
    }

    /** Each client of {@code engine} runs active tasks of its own sub-topologies only: the SKU client the SKU tasks. */
    private static void assertClientsRunTheirOwnTasks(TestEngine engine) {
        EngineClients clients = engine.context().getBean(StreamsRuntime.class).clients();
        KafkaStreams skus = clients.forStore(StoreNames.SKU_STOCK);
        KafkaStreams main = clients.main();
        assertFalse(skus == main, "a client of its own");
        assertTrue(clients.forStore(StoreNames.ORDERS) == main && clients.forStore(StoreNames.LOCATIONS) == main);
        assertEquals(List.of(main, skus), clients.all());
        Set<String> skuTopics = Set.of(TOPICS.commands(), TOPICS.engineCommands(), TOPICS.stockEvents());
        assertTrue(inputs(skus).stream().allMatch(skuTopics::contains), "the SKU client reads " + inputs(skus));
        assertTrue(inputs(main).stream().noneMatch(skuTopics::contains), "the main client reads " + inputs(main));
        assertTrue(inputs(main).contains(TOPICS.orderEvents()) || inputs(main).isEmpty(), inputs(main).toString());
    }

    private static boolean holdsTasks(TestEngine engine) {
        StreamsRuntime runtime = engine.context().getBean(StreamsRuntime.class);
        return runtime.state() == KafkaStreams.State.RUNNING && runtime.clients().all().stream()
            .allMatch(c -> c.state() == KafkaStreams.State.RUNNING && !inputs(c).isEmpty());
    }

    /** The topics of {@code client}'s active tasks in this instance. */
    private static Set<String> inputs(KafkaStreams client) {
        Set<String> topics = new TreeSet<>();
        for (ThreadMetadata thread : client.metadataForLocalThreads()) {
            thread.activeTasks().forEach(t -> t.topicPartitions().forEach(tp -> topics.add(tp.topic())));
        }
        return topics;
    }

    private static Http.Reply allocate(Http http) {
        return http.keyed(ADMIN, "POST", "/orders/sc-manual/allocations", "{\"allocation\":{\"warehouse_id\":\"wh-s\","
            + "\"line_items_attributes\":[{\"sellable_id\":\"SKU-0\",\"quantity\":1}]}}", "sku-client-manual");
    }

    private static int allocated(Http http, String orderId) {
        Http.Reply order = http.keyed(ADMIN, "GET", "/orders/" + orderId, null, null);
        return order.status() == 200 ? order.json().path("lines").path(0).path("allocated_quantity").asInt() : -1;
    }

    private static JsonNode ok(Http http, String method, String path, String body) {
        Http.Reply reply = http.keyed(ADMIN, method, path, body, null);
        assertTrue(reply.status() / 100 == 2, method + " " + path + ": " + reply.status() + " " + reply.body());
        return reply.json();
    }
}
