package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.support.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No record stops the engine (DESIGN §4, invariant 7): a record it cannot decode or use on any topic it reads, global
 * stores' topics included, goes to the dead letters with its reason and origin, and the engine goes on deciding.
 */
@ExtendWith(RealInfrastructure.class)
class PoisonRecordsEndToEndTest {
    static final String ADMIN = "Bearer admin-key";
    static final Topics TOPICS = Topics.withPrefix("e2e-poison.");
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin"));
        http = engine.http();
        assertEquals(200, http.send("PUT", "/locations/wh-p", "{\"name\":\"P\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}",
            "Authorization", ADMIN).status());
        assertEquals(200, http.send("PUT", "/channels/web/routing", "{\"locations\":[\"wh-p\"]}", "Authorization", ADMIN).status());
        assertEquals(200, http.send("PUT", "/stock/wh-p/SKU-P", "{\"physical\":100}", "Authorization", ADMIN).status());
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aPoisonRecordOnEveryInputIsDeadLetteredAndTheEngineKeepsDeciding() throws Exception {
        byte[] garbage = "this is not avro".getBytes(StandardCharsets.UTF_8);
        AvroSerdes serdes = engine.context().getBean(AvroSerdes.class);
        OrderEvent placed = OrderEvent.newBuilder().setEventId("poison-e").setOccurredAt(Instant.now())
            .setPayload(OrderPlaced.newBuilder().setOrderId("poison-order").setChannel("web").setPlacedAt(Instant.now())
                .setLines(List.of(new OrderLine("l-1", "SKU-P", 1))).build()).build();
        byte[] framed = serdes.value(OrderEvent.class).serializer().serialize(TOPICS.orderEvents(), placed);
        Map<String, ProducerRecord<byte[], byte[]>> poison = new HashMap<>();
        poison.put("poison-order", record(TOPICS.orderEvents(), "poison-order", Arrays.copyOf(framed, framed.length + 4)));
        poison.put("poison-stock", record(TOPICS.stockEvents(), "poison-stock", garbage));
        poison.put("poison-command", record(TOPICS.commands(), "poison-command", garbage));
        poison.put("poison-engine-command", record(TOPICS.engineCommands(), "poison-engine-command", garbage));
        poison.put("poison-fold", record(TOPICS.allocationEvents(), "poison-fold", null));
        poison.put("poison-location", record(TOPICS.locationEvents(), "poison-location", garbage));
        poison.put("poison-level", record(TOPICS.stockLevels(), "poison-level", garbage));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : poison.values()) {
                producer.send(r).get();
            }
        }

        Map<String, ConsumerRecord<byte[], byte[]>> letters = deadLetters(poison.keySet().size());
        for (Map.Entry<String, ProducerRecord<byte[], byte[]>> p : poison.entrySet()) {
            ConsumerRecord<byte[], byte[]> letter = letters.get(p.getKey());
            assertNotNull(letter, "no dead letter for " + p.getKey() + "; letters: " + letters.keySet());
            assertTrue(Arrays.equals(p.getValue().value(), letter.value()), "the value as received: " + p.getKey());
            assertEquals(p.getValue().topic(), DeadLetters.header(letter.headers(), DeadLetters.TOPIC));
            assertNotNull(DeadLetters.header(letter.headers(), DeadLetters.REASON), p.getKey());
        }
        assertTrue(DeadLetters.header(letters.get("poison-order").headers(), DeadLetters.REASON).contains("trailing bytes"));
        assertEquals(404, http.send("GET", "/orders/poison-order", null, "Authorization", ADMIN).status(), "nothing of it applied");

        // the engine goes on: its health, the global stores' loaders, and a decision on the SKU's partition
        assertEquals(200, http.send("GET", "/health", null).status());
        assertEquals(200, http.send("PUT", "/locations/wh-q", "{\"name\":\"Q\",\"kind\":\"WAREHOUSE\"}", "Authorization", ADMIN).status());
        assertEquals(200, http.send("GET", "/locations/wh-q", null, "Authorization", ADMIN).status());
        assertEquals(201, http.send("POST", "/orders", "{\"order_id\":\"after-poison\",\"channel\":\"web\",\"lines\":"
            + "[{\"line_id\":\"l-1\",\"sku\":\"SKU-P\",\"quantity\":2}]}", "Authorization", ADMIN).status());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send("GET", "/orders/after-poison", null, "Authorization", ADMIN)
            .json().path("lines").get(0).path("allocated_quantity").asInt() == 2);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The dead letters by key, once at least {@code count} poison ones have arrived. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> deadLetters(int count) throws Exception {
        Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "poison-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPICS.deadLetters()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("poison-")) {
                        letters.putIfAbsent(key, r);
                    }
                });
                return letters.size() >= count;
            });
        }
        return letters;
    }
}
