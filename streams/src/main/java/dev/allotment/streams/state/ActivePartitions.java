package dev.allotment.streams.state;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The partitions of a topic whose active tasks run in a Kafka Streams client, as its threads' metadata says
 * ({@link KafkaStreams#metadataForLocalThreads}), kept until the client's assignment may have changed. Every list of
 * every partition asks for them, a supplier's answer's request lookup three times; Kafka Streams answers by locking each
 * stream thread's state monitor in turn, which the stream thread itself takes at each change of state: with 256 waiting
 * confirms, request threads were blocked there 61 times in 30 s (docs/benchmarks/RESULTS.md).
 *
 * <p>A thread's metadata changes only when the thread turns RUNNING (it is rebuilt from the task manager's tasks
 * there, and nowhere else), which it does only after a rebalance has taken the client out of RUNNING; and the client
 * turns RUNNING again after the thread has. So an answer worked out while the client is RUNNING is kept until its
 * state next changes ({@code stateChanges}, counted by the client's state listener), as {@code KeyOwners} keeps the
 * keys' owners; one worked out in any other state is not kept, nor one during which the state changed.
 */
public final class ActivePartitions {
    private final LongSupplier stateChanges;
    /** By topic: a topic's tasks run in one client (a client replaced by a restart replaces its answers). */
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** @param stateChanges how many times the clients' states have changed (any client's change forgets everything) */
    public ActivePartitions(LongSupplier stateChanges) {
        this.stateChanges = Objects.requireNonNull(stateChanges);
    }

    /** The partitions of {@code topic} whose active tasks run in {@code client}, sorted; worked out anew on every call. */
    public static SortedSet<Integer> of(KafkaStreams client, String topic) {
        TreeSet<Integer> partitions = new TreeSet<>();
        client.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
            task.topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                .forEach(tp -> partitions.add(tp.partition()))));
        return Collections.unmodifiableSortedSet(partitions);
    }

    /** {@link #of}, kept while {@code client} stays RUNNING; unmodifiable. */
    public SortedSet<Integer> get(KafkaStreams client, String topic) {
        return get(client, client::state, topic, () -> of(client, topic));
    }

    /** {@link #get(KafkaStreams, String)} on any client: its state as {@code state} tells it, its answer {@code compute}. */
    SortedSet<Integer> get(Object client, Supplier<KafkaStreams.State> state, String topic,
                           Supplier<SortedSet<Integer>> compute) {
        if (state.get() != KafkaStreams.State.RUNNING) {
            return compute.get();
        }
        long generation = stateChanges.getAsLong();
        Kept known = kept.get(topic);
        if (known != null && known.client == client && known.generation == generation) {
            return known.partitions;
        }
        SortedSet<Integer> partitions = compute.get();
        if (stateChanges.getAsLong() == generation && state.get() == KafkaStreams.State.RUNNING) {
            kept.put(topic, new Kept(client, generation, partitions));   // nothing moved while it was worked out
        }
        return partitions;
    }

    /** An answer of {@code client} (compared by identity), worked out at {@code generation}. */
    private record Kept(Object client, long generation, SortedSet<Integer> partitions) {}
}
