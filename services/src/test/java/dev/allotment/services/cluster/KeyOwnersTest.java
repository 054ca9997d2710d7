package dev.allotment.services.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import dev.allotment.streams.topology.EngineStreamsConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.internals.DefaultStreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The owners {@link KeyOwners} keeps are the ones Kafka Streams would answer: for any key, with two instances
 * sharing the partitions, and again after one leaves and the other takes its partitions over (a rebalance), on a real
 * broker.
 */
@ExtendWith(RealInfrastructure.class)
class KeyOwnersTest {
    private static final String STORE = "latest";
    private static final StringSerializer KEYS = new StringSerializer();

    @Test
    void theDefaultPartitionIsKafkaStreamsOwnForAnyStringKey() {
        DefaultStreamPartitioner<String, Void> streams = new DefaultStreamPartitioner<>(KEYS);
        SplittableRandom random = new SplittableRandom(19);
        for (int i = 0; i < 20_000; i++) {
            String key = randomKey(random);
            int partitions = 1 + random.nextInt(64);
            Optional<Set<Integer>> expected = streams.partitions("t", key, null, new RecordHeaders(), partitions);
            assertEquals(expected, KeyOwners.DefaultPartition.INSTANCE.partitions("t", key, null, new RecordHeaders(), partitions), key);
            assertEquals(expected.orElseThrow().iterator().next(),
                KeyOwners.DefaultPartition.of(key.getBytes(StandardCharsets.UTF_8), partitions));
        }
    }

    @Test
    void keptOwnersAreKafkaStreamsOwnBeforeAndAfterARebalance() throws Exception {
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        String topic = "key-owners-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        String application = "key-owners-" + UUID.randomUUID();
        AtomicLong changes = new AtomicLong();
        KafkaStreams first = start(topic, application, bootstrap, "localhost:7001", changes);
        KafkaStreams second = start(topic, application, bootstrap, "localhost:7002", new AtomicLong());
        try {
            awaitOwnersOfEveryPartition(first, 2);
            KeyOwners owners = new KeyOwners(changes::get);
            List<String> keys = keys(500);
            // the second instance's arrival can take the first through one more rebalance after its owners show (a
            // follow-up round), and a rebalance publishes new owners a moment before the client leaves RUNNING: a key
            // checked across a state change, or found different, is checked again until the client is steady
            List<String> pending = new ArrayList<>(keys);
            Map<String, String> differed = new java.util.concurrent.ConcurrentHashMap<>();
            try {
                await("every key checked outside a rebalance").atMost(Duration.ofSeconds(90)).until(() -> {
                    pending.removeIf(key -> {
                        long at = changes.get();
                        KeyQueryMetadata streamsOwn = first.queryMetadataForKey(STORE, key, KEYS);
                        KeyQueryMetadata kept = owners.of(first, STORE, key);
                        KeyQueryMetadata again = owners.of(first, STORE, key);
                        if (changes.get() != at || first.state() != KafkaStreams.State.RUNNING) {
                            return false;   // a rebalance in between: owners may differ, and a kept answer is forgotten
                        }
                        if (!streamsOwn.equals(kept) || kept != again) {
                            differed.put(key, "Kafka Streams " + streamsOwn + ", kept " + kept + ", again " + again);
                            return false;
                        }
                        return true;
                    });
                    return pending.isEmpty();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(pending.size() + " keys never matched Kafka Streams' owners with the same kept "
                    + "object, e.g. " + pending.get(0) + ": " + differed.getOrDefault(pending.get(0), "never steady"), e);
            }
            HostInfo gone = new HostInfo("localhost", 7002);
            assertNotEquals(0, keys.stream().filter(k -> owners.of(first, STORE, k).activeHost().equals(gone)).count(),
                "the second instance owns some keys before it leaves");

            long before = changes.get();
            second.close(Duration.ofSeconds(30));
            // Kafka Streams publishes the new owners (the assignor's onAssignment) a moment before the client leaves
            // RUNNING (onPartitionsAssigned) and calls its listener: wait for the way out and back, not for the owners
            await("the rebalance takes the first instance out of RUNNING and back").atMost(Duration.ofSeconds(90))
                .until(() -> changes.get() >= before + 2);
            awaitOwnersOfEveryPartition(first, 1);
            for (String key : keys) {
                KeyQueryMetadata kept = owners.of(first, STORE, key);
                assertEquals(first.queryMetadataForKey(STORE, key, KEYS), kept, key);
                assertEquals(new HostInfo("localhost", 7001), kept.activeHost(), key);
            }
        } finally {
            second.close(Duration.ofSeconds(30));
            first.close(Duration.ofSeconds(30));
        }
    }

    private static KafkaStreams start(String topic, String application, String bootstrap, String endpoint, AtomicLong changes)
        throws Exception {
        Properties props = EngineStreamsConfig.defaults(application, bootstrap,
            TempDirs.create("key-owners").toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint);
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(topic, Consumed.with(Serdes.String(), Serdes.String()), Materialized.as(STORE));
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setStateListener((now, was) -> changes.incrementAndGet());
        streams.start();
        return streams;
    }

    /** RUNNING, with every partition of the store owned by one of {@code instances} instances. */
    private static void awaitOwnersOfEveryPartition(KafkaStreams streams, int instances) {
        await().atMost(Duration.ofSeconds(90)).until(() -> streams.state() == KafkaStreams.State.RUNNING
            && streams.streamsMetadataForStore(STORE).size() == instances
            && streams.streamsMetadataForStore(STORE).stream().mapToInt(m -> m.topicPartitions().size()).sum() == 4);
    }

    private static List<String> keys(int n) {
        SplittableRandom random = new SplittableRandom(7);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(randomKey(random));
        }
        return keys;
    }

    /** Ids as platforms send them, and any other text: digits, letters, punctuation, accents, CJK, emoji. */
    private static String randomKey(SplittableRandom random) {
        StringBuilder key = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(4)) {
                case 0 -> key.append((char) ('0' + random.nextInt(10)));
                case 1 -> key.append((char) ('!' + random.nextInt(94)));
                case 2 -> key.append((char) (0xC0 + random.nextInt(0x2FF)));
                default -> key.appendCodePoint(random.nextBoolean() ? 0x4E00 + random.nextInt(2000) : 0x1F600 + random.nextInt(50));
            }
        }
        return key.toString();
    }
}
