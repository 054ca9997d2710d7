package dev.allotment.services.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.allotment.services.engine.KafkaConnection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A topic read from its beginning to the end it had when the read began, committed records only (read_committed), as
 * bytes, partition by partition in offset order. No consumer group: nothing is committed.
 */
public record TopicSnapshot(String topic, int partitions, List<ConsumerRecord<byte[], byte[]>> records) {
    public static TopicSnapshot read(String bootstrapServers, String topic) {
        return read(KafkaConnection.of(bootstrapServers, null, Map.of()), topic, "read_committed");
    }

    /** The same through {@code kafka}'s settings (a secured cluster's). */
    public static TopicSnapshot read(KafkaConnection kafka, String topic) {
        return read(kafka, topic, "read_committed");
    }

    /**
     * The same, with the records of transactions still open (or aborted) too: what a producer has written, whatever
     * becomes of it. For tests that show a decision was made before the crash that rolled it back.
     */
    public static TopicSnapshot readUncommitted(String bootstrapServers, String topic) {
        return read(KafkaConnection.of(bootstrapServers, null, Map.of()), topic, "read_uncommitted");
    }

    private static TopicSnapshot read(KafkaConnection kafka, String topic, String isolation) {
        String bootstrapServers = kafka.bootstrapServers();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.with(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("no topic " + topic + " on " + bootstrapServers);
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                });
            }
            records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
            return new TopicSnapshot(topic, partitions.size(), records);
        }
    }
}
