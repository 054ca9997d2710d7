package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.bench.kafka.Broker;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The set-up's wait for the engine to drain its inputs, against a real broker and a group's committed offsets. */
class EngineLagTest {
    @Test
    void countsWhatTheGroupHasNotCommittedOnEveryPartitionItHas() throws Exception {
        String topic = "lag-" + System.nanoTime();
        // nothing answers at 127.0.0.1:1, so a local broker is started
        try (Broker broker = Broker.connect("127.0.0.1:1", false);
             var producer = new KafkaProducer<>(broker.client(ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
             Admin admin = Admin.create(broker.client())) {
            broker.recreateTopic(topic, 2);
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "a" + i));
                producer.send(new ProducerRecord<>(topic, 1, null, "b" + i));
            }
            producer.flush();
            TopicPartition p0 = new TopicPartition(topic, 0);
            TopicPartition p1 = new TopicPartition(topic, 1);

            assertEquals(0, EngineLag.behind(admin, "no-such-group"), "a group with no offsets is behind by nothing known");

            admin.alterConsumerGroupOffsets("g", Map.of(p0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(10))).all().get();
            assertEquals(6, EngineLag.behind(admin, "g"), "partition 0: 10 records, 3 committed, one allowed for a marker");
            assertThrows(IllegalStateException.class,
                () -> EngineLag.awaitCaughtUp(broker.client(), "g", Duration.ofMillis(500)));

            admin.alterConsumerGroupOffsets("g", Map.of(p0, new OffsetAndMetadata(9))).all().get();
            assertEquals(0, EngineLag.behind(admin, "g"), "one record short is taken for a transaction marker");
            admin.alterConsumerGroupOffsets("g", Map.of(p0, new OffsetAndMetadata(10))).all().get();
            assertEquals(0, EngineLag.behind(admin, "g"));
            EngineLag.awaitCaughtUp(broker.client(), "g", Duration.ofSeconds(5));
        }
    }
}
