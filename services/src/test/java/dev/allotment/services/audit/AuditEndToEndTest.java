package dev.allotment.services.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRequested;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit (./allotment audit) against a real engine: after orders, manual allocations, a completion, a cancellation,
 * stock counts and adjustments it finds nothing; a decision the engine never took, slipped into the log, it finds.
 */
@ExtendWith(RealInfrastructure.class)
class AuditEndToEndTest {
    static final String ADMIN = "Bearer admin-key";
    static final Topics TOPICS = Topics.withPrefix("e2e-audit.");
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin"));
        http = engine.http();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Http.Reply call(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", ADMIN);
    }

    private static Audit audit() throws Exception {
        String base = "http://127.0.0.1:" + engine.context().getEnvironment().getProperty("micronaut.server.port", Integer.class).orElseThrow();
        EngineLogs logs = EngineLogs.read(RealInfrastructure.endpoints().bootstrapServers(), TOPICS,
            engine.context().getBean(AvroSerdes.class));
        return new Audit(logs, new LiveEngine(base, "admin-key"));
    }

    private static int physicalOfAAtWh1() {
        for (var level : call("GET", "/stock/A", null).json().path("locations")) {
            if (level.path("location_id").asText().equals("wh-1")) {
                return level.path("physical").asInt();
            }
        }
        return -1;
    }

    @Test
    void findsNothingAfterEverydayWorkAndFindsADecisionTheEngineNeverTook() throws Exception {
        assertEquals(200, call("PUT", "/locations/wh-1", "{\"name\":\"One\",\"kind\":\"WAREHOUSE\"}").status());
        assertEquals(200, call("PUT", "/locations/drop-1", "{\"name\":\"Drop\",\"kind\":\"SUPPLIER\",\"tracks_stock\":false}").status());
        // o-1 can only go to wh-1; o-2 is split, and may take the drop-shipper first while the global stock view trails
        assertEquals(200, call("PUT", "/channels/web/routing", "{\"locations\":[\"wh-1\"]}").status());
        assertEquals(200, call("PUT", "/channels/split/routing", "{\"locations\":[\"wh-1\",\"drop-1\"]}").status());
        assertEquals(200, call("PUT", "/stock/wh-1/A", "{\"physical\":10}").status());
        assertEquals(200, call("PUT", "/stock/wh-1/B", "{\"physical\":5}").status());
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"o-1\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"A\","
            + "\"quantity\":3},{\"line_id\":\"l-2\",\"sku\":\"B\",\"quantity\":2}]}").status());
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"o-2\",\"channel\":\"split\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"A\","
            + "\"quantity\":9}]}").status());
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"o-3\",\"channel\":\"manual\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"B\","
            + "\"quantity\":2}]}").status());
        assertEquals(201, call("POST", "/allocations/orders/o-3", "{\"allocations\":[{\"location\":{\"id\":\"wh-1\"},"
            + "\"items\":[{\"id\":\"B\",\"quantity\":2}]}]}").status());
        String o1 = call("GET", "/allocations/orders/o-1", null).json().path("data").get(0).path("id").asText();
        assertEquals(200, call("PATCH", "/allocations/orders/o-1", "{\"allocations\":[{\"id\":\"" + o1
            + "\",\"completed_at\":\"2026-12-01T12:00:00Z\"}]}").status());
        assertEquals(200, call("POST", "/orders/o-2/cancel", "{\"reason\":\"changed mind\"}").status());
        assertEquals(200, call("POST", "/stock/adjustments", "{\"adjustments\":[{\"location_id\":\"wh-1\",\"sku\":\"A\",\"delta\":4}]}").status());
        await().atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/orders/o-2", null).json().path("status").asText()
            + " " + call("GET", "/stock/A", null).body(), state -> state.startsWith("cancelled") && physicalOfAAtWh1() == 10 - 3 + 4);

        Audit clean = audit();
        assertEquals(List.of(), clean.run(), clean.summary());
        assertTrue(clean.summary().contains("0 differences"), clean.summary());

        // a decision nobody took: the fold applies it to o-1's projection, the SKU's partition never heard of it
        AllocationEvent forged = AllocationEvent.newBuilder().setEventId("forged-1").setOccurredAt(Instant.now()).setOrderId("o-1")
            .setPayload(AllocationRequested.newBuilder().setAllocationId("al-forged").setLocationId("wh-1")
                .setConfirmMode(AllocationMode.DIRECT).setLines(List.of(new AllocatedLine("l-2", "B", 1))).setExpiresAt(null)
                .setReason("forged").build()).build();
        byte[] value = engine.context().getBean(AvroSerdes.class).value(AllocationEvent.class).serializer()
            .serialize(TOPICS.allocationEvents(), forged);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            RealInfrastructure.endpoints().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.allocationEvents(), "o-1", value)).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/orders/o-1", null).json().path("allocations").size() > 1);

        List<String> found = audit().run();
        assertTrue(found.stream().anyMatch(d -> d.startsWith("B at wh-1: the decision log says")), found.toString());
        assertTrue(found.stream().anyMatch(d -> d.startsWith("order o-1 line l-2")), found.toString());
    }
}
