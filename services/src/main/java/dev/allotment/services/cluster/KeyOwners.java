package dev.allotment.services.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Which instance holds a key's copies in a store: what {@link KafkaStreams#queryMetadataForKey} answers, kept per store
 * and partition until the client's assignment may have changed. Kafka Streams works the answer out again on every call
 * (the store's source topics, the key's partition, every instance's partitions copied into sets and intersected): 5 %
 * of the event loops' time in a keyed read at 5,000/s (docs/benchmarks/RESULTS.md). The owners of a partition change
 * only in a rebalance, and every rebalance takes the client out of RUNNING and back; so an answer is kept while the
 * client stays RUNNING, and forgotten at its next change of state ({@code stateChanges}, counted by the client's state
 * listener). A read that finds the client in any other state asks Kafka Streams, as before.
 *
 * <p>The key's partition is Kafka Streams' own for a key written with a {@code String} serializer and the default
 * partitioner (murmur2 of its UTF-8 bytes, modulo the store's source partitions); the partition count is the one Kafka
 * Streams passed to the partitioner when the store's first answer was worked out.
 *
 * <p>A kept answer is never more stale than Kafka Streams' own: its metadata, too, changes during a rebalance and the
 * tasks move after it, so a read on a partition that has just moved fails (the store is not here, the peer does not
 * own it) and is retried by the routing, as before. Kafka Streams publishes a rebalance's owners (its assignor's
 * {@code onAssignment}) a moment before the client leaves RUNNING (the consumer's {@code onPartitionsAssigned}); in
 * that moment a kept answer still names a moved partition's previous owner, whose read fails and is retried as a read
 * of the new owner would be, whose task has not opened yet.
 */
final class KeyOwners {
    /** Never keeps anything: every call asks Kafka Streams. */
    static final KeyOwners NONE = new KeyOwners(null);

    private final LongSupplier stateChanges;
    private final Map<String, Owners> byStore = new ConcurrentHashMap<>();

    /** @param stateChanges how many times the client's state has changed; null to keep nothing */
    KeyOwners(LongSupplier stateChanges) {
        this.stateChanges = stateChanges;
    }

    /** The owners of {@code key}'s partition of {@code store}, as {@code running.queryMetadataForKey} answers them. */
    KeyQueryMetadata of(KafkaStreams running, String store, String key) {
        if (stateChanges == null || running.state() != KafkaStreams.State.RUNNING) {
            return running.queryMetadataForKey(store, key, DefaultPartition.INSTANCE);
        }
        long generation = stateChanges.getAsLong();
        Owners owners = byStore.get(store);
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (owners != null && owners.streams == running && owners.generation == generation) {
            KeyQueryMetadata kept = owners.byPartition.get(DefaultPartition.of(bytes, owners.byPartition.length()));
            if (kept != null) {
                return kept;
            }
        }
        Learned learned = new Learned();
        KeyQueryMetadata meta = running.queryMetadataForKey(store, key, learned);
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) || learned.partitions <= 0
            || meta.partition() != DefaultPartition.of(bytes, learned.partitions)
            || stateChanges.getAsLong() != generation || running.state() != KafkaStreams.State.RUNNING) {
            return meta;   // nothing worth keeping: no owner yet, or the client moved on while it was worked out
        }
        if (owners == null || owners.streams != running || owners.generation != generation
            || owners.byPartition.length() != learned.partitions) {
            owners = new Owners(running, generation, new AtomicReferenceArray<>(learned.partitions));
            byStore.put(store, owners);
        }
        owners.byPartition.set(meta.partition(), meta);
        return meta;
    }

    private record Owners(KafkaStreams streams, long generation, AtomicReferenceArray<KeyQueryMetadata> byPartition) {}

    /** Kafka Streams' default partition of a {@code String} key (its {@code DefaultStreamPartitioner}). */
    static final class DefaultPartition implements StreamPartitioner<String, Void> {
        static final DefaultPartition INSTANCE = new DefaultPartition();

        static int of(byte[] keyBytes, int partitions) {
            return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
        }

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Void value, int numPartitions) {
            return Optional.of(Set.of(of(key.getBytes(StandardCharsets.UTF_8), numPartitions)));
        }
    }

    /** The default partition, noting the partition count Kafka Streams asked it for (the store's source topics'). */
    private static final class Learned implements StreamPartitioner<String, Void> {
        private int partitions = -1;

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, Void value, int numPartitions) {
            partitions = numPartitions;
            return DefaultPartition.INSTANCE.partitions(topic, key, value, numPartitions);
        }
    }
}
