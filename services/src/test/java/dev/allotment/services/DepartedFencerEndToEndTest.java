package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.Topics;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real broker: a transaction left open under a stream-thread transactional id of this application, by a process
 * that is no member of the group (an instance that died), is ended by the engine within seconds, not after its timeout
 * (two minutes here); one under an id of another application is left alone, and the engine's own keeps committing.
 */
@ExtendWith(RealInfrastructure.class)
class DepartedFencerEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-fencer.");
    static final String APPLICATION = TOPICS.prefix() + "engine";
    static TestEngine engine;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.streams.fence-departed-every", "300ms"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aDepartedInstancesOpenTransactionIsAbortedAtOnceAndOthersAreLeftAlone() throws Exception {
        String departed = APPLICATION + "-" + UUID.randomUUID() + "-1";
        String foreign = "someone-else-" + UUID.randomUUID() + "-1";
        try (KafkaProducer<byte[], byte[]> zombie = openTransaction(departed);
             KafkaProducer<byte[], byte[]> bystander = openTransaction(foreign)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> state(departed) != TransactionState.ONGOING);
            assertEquals(TransactionState.ONGOING, state(foreign), "another application's transaction is not ours to end");
            KafkaException refused = assertThrows(KafkaException.class, zombie::commitTransaction,
                "the departed producer can never commit what it left open");
            assertTrue(refused.getClass().getSimpleName().matches("ProducerFencedException|InvalidProducerEpochException|InvalidTxnStateException"),
                refused.toString());
            bystander.abortTransaction();
        }
        MeterRegistry meters = engine.context().getBean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> meters.get("allotment.transactions.fenced").counter().count() >= 1.0);
        Thread.sleep(1_000);   // several looks more: nothing else is fenced
        assertEquals(1.0, meters.get("allotment.transactions.fenced").counter().count(), "only the departed one was fenced");
        assertEquals(200, engine.http().send("GET", "/health", null).status(), "the engine's own transactions go on");
    }

    private static KafkaProducer<byte[], byte[]> openTransaction(String transactionalId) throws Exception {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000), new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPICS.deadLetters(), "left".getBytes(StandardCharsets.UTF_8),
            "open".getBytes(StandardCharsets.UTF_8))).get();
        return producer;
    }

    private static TransactionState state(String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get().state();
    }
}
