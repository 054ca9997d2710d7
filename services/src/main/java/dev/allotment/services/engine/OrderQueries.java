package dev.allotment.services.engine;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.HistoryKeys;
import dev.allotment.streams.state.StoreNames;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the orders store of this instance: one order by id, or a page of orders in id order. A page
 * merges the sorted stores of every local partition, so a cursor (the last id seen) pages correctly
 * across partitions.
 */
@Singleton
public class OrderQueries {
    private static final StringSerializer KEYS = new StringSerializer();
    private final StreamsRuntime runtime;
    private final Topics topics;

    public OrderQueries(StreamsRuntime runtime, Topics topics) {
        this.runtime = runtime;
        this.topics = topics;
    }

    /**
     * The order, read first from the store of the partition the Java client's partitioner maps its key to (one RocksDB
     * read instead of up to one per local partition), then from every local store: a platform's producer may use
     * another partitioner (librdkafka's default is CRC32), which puts the order in another partition.
     */
    public Optional<OrderProjection> find(String orderId) {
        KafkaStreams streams = running();
        KeyQueryMetadata meta = streams.queryMetadataForKey(StoreNames.ORDERS, orderId, KEYS);
        if (meta != null && !meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            try {
                OrderProjection order = store(meta.partition()).get(orderId);
                if (order != null) {
                    return Optional.of(order);
                }
            } catch (InvalidStateStoreException e) {
                // not an active partition of this instance (or moving): the local stores answer as before
            }
        }
        try {
            return Optional.ofNullable(store(null).get(orderId));
        } catch (InvalidStateStoreException e) {
            throw new EngineUnavailableException("the orders store is not queryable yet: " + e.getMessage());
        }
    }

    /**
     * Up to {@code limit} orders with ids after {@code after} (ascending), or, when {@code before} is
     * given, the {@code limit} orders just before it (still ascending). Answers one more when there are more.
     */
    public List<OrderProjection> page(String after, String before, int limit) {
        boolean backwards = before != null;
        Comparator<KeyValue<String, OrderProjection>> order = Comparator.comparing(kv -> kv.key);
        PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> order.compare(
            backwards ? b.head : a.head, backwards ? a.head : b.head));
        List<KeyValueIterator<String, OrderProjection>> open = new ArrayList<>();
        try {
            for (int partition : localPartitions()) {
                ReadOnlyKeyValueStore<String, OrderProjection> store = store(partition);
                KeyValueIterator<String, OrderProjection> it = backwards
                    ? store.reverseRange(null, before) : store.range(after, null);
                open.add(it);
                Cursor cursor = new Cursor(it, backwards ? before : after);
                if (cursor.advance()) {
                    heads.add(cursor);
                }
            }
            List<OrderProjection> result = new ArrayList<>();
            while (!heads.isEmpty() && result.size() <= limit) {
                Cursor next = heads.poll();
                result.add(next.head.value);
                if (next.advance()) {
                    heads.add(next);
                }
            }
            if (backwards) {
                java.util.Collections.reverse(result);
            }
            return result;
        } catch (InvalidStateStoreException e) {
            throw new EngineUnavailableException("the orders store is not queryable yet: " + e.getMessage());
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** Every decision event of the order, in log order (its full history), from the order's partition. */
    public List<AllocationEvent> history(String orderId) {
        KafkaStreams streams = running();
        KeyQueryMetadata meta = streams.queryMetadataForKey(StoreNames.ORDERS, orderId, KEYS);
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new EngineUnavailableException("the engine is rebalancing; no owner of order " + orderId + " yet");
        }
        List<AllocationEvent> events = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, AllocationEvent> store = streams.store(StoreQueryParameters.fromNameAndType(
                StoreNames.ORDER_HISTORY, QueryableStoreTypes.<String, AllocationEvent>keyValueStore()).withPartition(meta.partition()));
            try (KeyValueIterator<String, AllocationEvent> it = store.prefixScan(HistoryKeys.prefix(orderId),
                new StringSerializer())) {
                it.forEachRemaining(kv -> events.add(kv.value));
            }
        } catch (InvalidStateStoreException e) {
            throw new EngineUnavailableException("the order history is not queryable yet: " + e.getMessage());
        }
        return events;
    }

    /** Waits (bounded) until the order is in the store and satisfies {@code done}; the last read either way. */
    public Optional<OrderProjection> await(String orderId, java.time.Duration bound,
                                           java.util.function.Predicate<OrderProjection> done) {
        return Polling.until(bound, runtime.changes(), List.of(orderId), () -> find(orderId).filter(done));
    }

    /**
     * Waits (bounded) until the order's fold has applied every decision event the accepted commands
     * logged for it, so an answer built from the projection reads the command's own writes.
     */
    public void awaitFolded(String orderId, List<CommandGateway.Result> results, java.time.Duration bound) {
        java.util.Map<String, Integer> expected = new java.util.HashMap<>();
        results.stream().filter(CommandGateway.Result::accepted)
            .forEach(r -> expected.put(r.commandId(), r.outcome().get().getEvents()));
        if (expected.values().stream().allMatch(n -> n == 0)) {
            return;
        }
        Polling.until(bound, runtime.changes(), List.of(orderId), () -> {
            java.util.Map<String, Integer> seen = new java.util.HashMap<>();
            history(orderId).forEach(e -> {
                if (e.getCommandId() != null && expected.containsKey(e.getCommandId())) {
                    seen.merge(e.getCommandId(), 1, Integer::sum);
                }
            });
            return expected.entrySet().stream().allMatch(x -> seen.getOrDefault(x.getKey(), 0) >= x.getValue());
        });
    }

    private TreeSet<Integer> localPartitions() {
        TreeSet<Integer> partitions = new TreeSet<>();
        runtime.streams().metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
            task.topicPartitions().stream().filter(tp -> tp.topic().equals(topics.orderEvents()))
                .forEach(tp -> partitions.add(tp.partition()))));
        return partitions;
    }

    private KafkaStreams running() {
        KafkaStreams streams = runtime.streams();
        if (streams == null) {
            throw new EngineUnavailableException("the engine is starting");
        }
        return streams;
    }

    private ReadOnlyKeyValueStore<String, OrderProjection> store(Integer partition) {
        KafkaStreams streams = running();
        StoreQueryParameters<ReadOnlyKeyValueStore<String, OrderProjection>> params =
            StoreQueryParameters.fromNameAndType(StoreNames.ORDERS, QueryableStoreTypes.keyValueStore());
        return streams.store(partition == null ? params : params.withPartition(partition));
    }

    /** One partition's iterator with its current head, skipping the (exclusive) bound the range starts at. */
    private static final class Cursor {
        private final KeyValueIterator<String, OrderProjection> it;
        private final String exclusiveBound;
        private KeyValue<String, OrderProjection> head;

        Cursor(KeyValueIterator<String, OrderProjection> it, String exclusiveBound) {
            this.it = it;
            this.exclusiveBound = exclusiveBound;
        }

        boolean advance() {
            while (it.hasNext()) {
                head = it.next();
                if (!head.key.equals(exclusiveBound)) {
                    return true;
                }
            }
            return false;
        }
    }
}
