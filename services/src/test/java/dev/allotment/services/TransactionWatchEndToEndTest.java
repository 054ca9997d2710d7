package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.Command;
import dev.allotment.events.ReserveLine;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.TopicSnapshot;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A transaction left open on a topic the engine reads holds everything after it there: the engine finds it on the real
 * broker, names the partition, the offset and the producer on {@code GET /admin/transactions}, and forgets it once it
 * ends. One its coordinator still holds is not hanging, so /health stays UP (OpenTransactionsTest judges the rest).
 *
 * <p>The engine's own commands travel apart from the edge's for that reason: on one shared topic every edge command
 * waited behind the engine's transaction on its partition (up to a commit interval, more under load). A placed order's
 * lines go to {@code engine-commands}, and an edge command is decided while a transaction stays open there; the same
 * transaction open on the edge's own topic holds the command until it ends, which is what the split removes.
 */
@ExtendWith(RealInfrastructure.class)
class TransactionWatchEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-txwatch.");
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin,reader=analyst",
            "allotment.health.transaction-check-interval", "300ms", "allotment.health.open-transaction-after", "1s",
            "allotment.http.command-timeout", "3s"));
        http = engine.http();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aTransactionLeftOpenOnAnInputIsReportedWithItsPartitionUntilItEnds() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "e2e-txwatch-slow-producer",
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            RecordMetadata sent = producer.send(new ProducerRecord<>(TOPICS.orderEvents(),
                "held".getBytes(StandardCharsets.UTF_8), "not yet".getBytes(StandardCharsets.UTF_8))).get();
            assertEquals(0, open().size(), "not reported before it is older than the bound");

            await().atMost(Duration.ofSeconds(20)).until(() -> open().size() == 1);
            JsonNode found = open().get(0);
            assertEquals(TOPICS.orderEvents(), found.path("topic").asText());
            assertEquals(sent.partition(), found.path("partition").asInt());
            assertEquals(sent.offset(), found.path("start_offset").asLong());
            assertEquals("e2e-txwatch-slow-producer", found.path("transactional_id").asText());
            assertEquals("ONGOING", found.path("coordinator_state").asText());
            assertFalse(found.path("hanging").asBoolean(), "its coordinator will end it: " + found);
            assertTrue(found.path("markers_lost").isBoolean() && !found.path("markers_lost").asBoolean(), found.toString());
            assertEquals(200, http.send("GET", "/health", null).status(), "an open transaction is not a hanging one");
            assertEquals(403, http.send("GET", "/admin/transactions", null, "Authorization", "Bearer reader").status());

            producer.abortTransaction();
            await().atMost(Duration.ofSeconds(20)).until(() -> open().isEmpty());
        }
    }

    @Test
    void anEdgeCommandIsDecidedWhileATransactionIsOpenOnTheEnginesOwnCommands() throws Exception {
        ok(call("PUT", "/locations/wh-t", "{\"name\":\"T\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":true}"));
        ok(call("PUT", "/channels/web/routing", "{\"locations\":[\"wh-t\"]}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/locations/wh-t", null).status() == 200);
        ok(call("PUT", "/stock/wh-t/SKU-T", "{\"physical\":5}"));
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"tx-1\",\"channel\":\"web\",\"lines\":"
            + "[{\"line_id\":\"l-1\",\"sku\":\"SKU-T\",\"quantity\":1}]}").status());
        await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/orders/tx-1", null).json().path("lines").path(0)
            .path("allocated_quantity").asInt() == 1);

        // the order's line went to its SKU on the engine's own topic, and nothing of the order on the edge's
        List<Map.Entry<String, Command>> engineOwn = commands(TOPICS.engineCommands());
        assertTrue(engineOwn.stream().anyMatch(c -> "SKU-T".equals(c.getKey()) && "tx-1".equals(c.getValue().getOrderId())
            && c.getValue().getPayload() instanceof ReserveLine), "tx-1's ReserveLine on " + TOPICS.engineCommands() + ": "
            + engineOwn.stream().map(c -> c.getKey() + "=" + c.getValue().getPayload().getClass().getSimpleName()).toList());
        assertTrue(commands(TOPICS.commands()).stream().noneMatch(c -> "tx-1".equals(c.getValue().getOrderId())),
            "no command of tx-1's placing on " + TOPICS.commands());

        String allocate = "{\"allocation\":{\"warehouse_id\":\"wh-t\",\"line_items_attributes\":[{\"sellable_id\":\"SKU-T\","
            + "\"quantity\":1}]}}";
        try (Held held = Held.open(TOPICS.engineCommands(), "SKU-T")) {
            Http.Reply decided = call("POST", "/orders/tx-1/allocations", allocate, "Idempotency-Key", "beside-open");
            assertEquals(422, decided.status(), "decided by the SKU's task, not left pending: " + decided.body());
            assertEquals("over_quantity", decided.json().path("error").asText(), decided.body());
        }

        // the control: the same transaction open on the edge's topic holds the command until the transaction ends
        try (Held held = Held.open(TOPICS.commands(), "SKU-T")) {
            Http.Reply pending = call("POST", "/orders/tx-1/allocations", allocate, "Idempotency-Key", "behind-open");
            assertEquals(202, pending.status(), "held behind the open transaction: " + pending.body());
            String location = pending.headers().firstValue("Location").orElseThrow();
            held.abort();
            await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", location, null).status() == 200);
            Http.Reply outcome = call("GET", location, null);
            assertEquals(List.of("refused", "over_quantity"), List.of(outcome.json().path("status").asText(),
                outcome.json().path("error").asText()), outcome.body());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> open().isEmpty());
    }

    /** A transaction open on the partition of {@code key}, with one record in it, aborted when closed. */
    private record Held(KafkaProducer<byte[], byte[]> producer) implements AutoCloseable {
        static Held open(String topic, String key) throws Exception {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "e2e-txwatch-held-" + UUID.randomUUID(),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000), new ByteArraySerializer(), new ByteArraySerializer());
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                "not yet".getBytes(StandardCharsets.UTF_8))).get();
            return new Held(producer);
        }

        void abort() {
            producer.abortTransaction();
        }

        @Override
        public void close() {
            try {
                producer.abortTransaction();
            } catch (RuntimeException alreadyEnded) {
                // aborted by the test already
            }
            producer.close();
        }
    }

    /** Every committed command on {@code topic} now, with its key, each decoded once. */
    private static List<Map.Entry<String, Command>> commands(String topic) throws Exception {
        var decoder = engine.context().getBean(AvroSerdes.class).value(Command.class).deserializer();
        return TopicSnapshot.read(RealInfrastructure.endpoints().bootstrapServers(), topic).records().stream()
            .map(r -> Map.entry(new String(r.key(), StandardCharsets.UTF_8), decoder.deserialize(topic, r.value()))).toList();
    }

    private static Http.Reply call(String method, String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer admin-key";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return http.send(method, path, body, all);
    }

    private static void ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, reply.status() + " " + reply.body());
    }

    private static JsonNode open() {
        Http.Reply reply = http.send("GET", "/admin/transactions", null, "Authorization", "Bearer admin-key");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().path("transactions");
    }
}
