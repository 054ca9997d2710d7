package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.Topics;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.streams.state.GlobalPositions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real broker: an instance's copy of the locations catches up with the topic's end before the edge answers
 * "no location" (the copy's loader reports what it took through {@link GlobalPositions}; here the test plays it).
 */
@ExtendWith(RealInfrastructure.class)
class GlobalCatchUpTest {
    @Test
    void aMissWaitsUntilTheCopyHasTakenEveryRecordTheTopicHeldAndNoLonger() throws Exception {
        Topics topics = Topics.withPrefix("catch-up.");
        String topic = topics.locationEvents();
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                 new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "location:l" + i, "x")).get();
            }
            GlobalPositions positions = new GlobalPositions();
            GlobalCatchUp catchUp = new GlobalCatchUp(positions, topics, Duration.ofSeconds(10),
                Admin.create(Map.of("bootstrap.servers", bootstrap)));
            try {
                positions.took(topic, 0, 1);   // partition 0 holds offsets 0..2, partition 1 offsets 0..1
                CompletableFuture<Void> loader = CompletableFuture.runAsync(() -> {
                    positions.took(topic, 0, 2);
                    positions.took(topic, 1, 1);
                }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
                long started = System.nanoTime();
                assertTrue(catchUp.locations(), "caught up once the loader took the last records");
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(waitedMs >= 250, "waited for the loader, " + waitedMs + " ms");
                assertTrue(waitedMs < 5_000, "no longer than needed, " + waitedMs + " ms");
                loader.get();

                started = System.nanoTime();
                assertTrue(catchUp.locations(), "a copy already caught up");
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5_000);
            } finally {
                catchUp.close();
            }

            GlobalCatchUp bounded = new GlobalCatchUp(new GlobalPositions(), topics, Duration.ofMillis(600),
                Admin.create(Map.of("bootstrap.servers", bootstrap)));
            try {
                long started = System.nanoTime();
                assertFalse(bounded.locations(), "a copy that takes nothing never catches up");
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(waitedMs >= 500 && waitedMs < 5_000, "waited its bound, " + waitedMs + " ms");
            } finally {
                bounded.close();
            }
        }
    }
}
