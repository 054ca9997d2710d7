package dev.allotment.streams.state;

import java.util.List;
import java.util.SortedSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The Kafka Streams clients of this instance, as a read of its state needs them: the client whose tasks hold a store,
 * or read a topic, and any client for what the group's metadata says (every client of the group is told every
 * instance's partitions, so key owners are the same on each). One client runs every task unless the SKU tasks run on a
 * client of their own ({@code allotment.streams.sku-commit-interval-ms}, docs/design/sku-client.md).
 */
public interface EngineClients {
    /** The client whose tasks hold {@code store}; null while the engine starts. */
    KafkaStreams forStore(String store);

    /** The client whose tasks read {@code topic}; null while the engine starts. */
    KafkaStreams forTopic(String topic);

    /** The client whose state and metadata stand for the instance's (the one that runs the orders' tasks). */
    KafkaStreams main();

    /** Every client, the main one first; empty while the engine starts. */
    List<KafkaStreams> all();

    /**
     * The partitions of {@code topic} whose active tasks run in {@code client} (one of these), sorted and unmodifiable:
     * worked out from its threads' metadata on every call, unless an implementation keeps them ({@link ActivePartitions}).
     */
    default SortedSet<Integer> activePartitions(KafkaStreams client, String topic) {
        return ActivePartitions.of(client, topic);
    }

    /** One client for every store and topic. */
    static EngineClients of(Supplier<KafkaStreams> streams) {
        return new EngineClients() {
            @Override
            public KafkaStreams forStore(String store) {
                return streams.get();
            }

            @Override
            public KafkaStreams forTopic(String topic) {
                return streams.get();
            }

            @Override
            public KafkaStreams main() {
                return streams.get();
            }

            @Override
            public List<KafkaStreams> all() {
                KafkaStreams one = streams.get();
                return one == null ? List.of() : List.of(one);
            }
        };
    }
}
