package dev.allotment.services;

import static dev.allotment.services.support.AdminClient.ok;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.TopicSnapshot;
import dev.allotment.services.support.AdminClient;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compacted feeds on a real broker, read as a consumer reads them (read_committed): each is published from the task's
 * commit (CommitForwarder, over Kafka Streams' internal flush hook), and its last record for a key is what the engine
 * answers for it. The topology tests prove the same on the test driver; this proves the hook is called by the real
 * stream thread's commits.
 */
@ExtendWith(RealInfrastructure.class)
class FeedsEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-feeds.");
    static TestEngine engine;
    static AdminClient api;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin"));
        api = new AdminClient(engine.http(), "admin-key");
        ok(api.call("PUT", "/locations/wh-f", "{\"name\":\"Feeds\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(api.call("PUT", "/channels/feeds/routing", "{\"locations\":[\"wh-f\"]}"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void eachFeedsLastRecordForAKeyIsWhatTheEngineAnswersForIt() throws Exception {
        ok(api.call("PUT", "/stock/wh-f/S-F1", "{\"physical\":10}"));
        ok(api.call("PUT", "/stock/wh-f/S-F2", "{\"physical\":20}"));
        for (int i = 1; i <= 5; i++) {
            assertEquals(201, api.call("POST", "/orders", "{\"order_id\":\"fo-" + i + "\",\"channel\":\"feeds\",\"lines\":["
                + "{\"line_id\":\"1\",\"sku\":\"S-F1\",\"quantity\":1},{\"line_id\":\"2\",\"sku\":\"S-F2\",\"quantity\":" + i + "}]}").status());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> api.call("GET", "/orders/fo-5", null).json().path("status").asText()
            .equals("allocated"));
        JsonNode stockF2 = ok(api.call("GET", "/stock/S-F2", null)).json().path("locations").get(0);
        assertEquals(15, stockF2.path("allocated").asInt(), "1 + 2 + 3 + 4 + 5");

        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        RegistryAvroSerdes serdes = new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl()));
        Deserializer<OrderProjection> orders = serdes.value(OrderProjection.class).deserializer();
        Deserializer<StockLevelKey> levelKeys = serdes.key(StockLevelKey.class).deserializer();
        Deserializer<StockLevel> levels = serdes.value(StockLevel.class).deserializer();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, OrderProjection> lastOrder = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(infra.bootstrapServers(), TOPICS.orderProjections()).records()) {
                OrderProjection o = orders.deserialize(TOPICS.orderProjections(), r.value());
                lastOrder.put(o.getOrderId(), o);
            }
            for (int i = 1; i <= 5; i++) {
                OrderProjection published = lastOrder.get("fo-" + i);
                assertTrue(published != null, "fo-" + i + " published");
                assertEquals("ALLOCATED", published.getStatus().name(), "fo-" + i + " as it is last");
                assertEquals(api.call("GET", "/orders/fo-" + i, null).json().path("version").asLong(), published.getVersion());
            }
            Map<String, StockLevel> lastLevel = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(infra.bootstrapServers(), TOPICS.stockLevels()).records()) {
                StockLevelKey key = levelKeys.deserialize(TOPICS.stockLevels(), r.key());
                lastLevel.put(key.getSku() + "@" + key.getLocationId(), levels.deserialize(TOPICS.stockLevels(), r.value()));
            }
            StockLevel f2 = lastLevel.get("S-F2@wh-f");
            assertEquals(List.of(20, 15), List.of(f2.getPhysical(), f2.getAllocated()), "S-F2 as GET /stock answers it");
            assertEquals(List.of(10, 5), List.of(lastLevel.get("S-F1@wh-f").getPhysical(), lastLevel.get("S-F1@wh-f").getAllocated()));
        });
    }
}
