package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
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
 */
@ExtendWith(RealInfrastructure.class)
class TransactionWatchEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-txwatch.");
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin,reader=analyst",
            "allotment.health.transaction-check-interval", "300ms", "allotment.health.open-transaction-after", "1s"));
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
            assertEquals(200, http.send("GET", "/health", null).status(), "an open transaction is not a hanging one");
            assertEquals(403, http.send("GET", "/admin/transactions", null, "Authorization", "Bearer reader").status());

            producer.abortTransaction();
            await().atMost(Duration.ofSeconds(20)).until(() -> open().isEmpty());
        }
    }

    private static JsonNode open() {
        Http.Reply reply = http.send("GET", "/admin/transactions", null, "Authorization", "Bearer admin-key");
        assertEquals(200, reply.status(), reply.body());
        return reply.json().path("transactions");
    }
}
