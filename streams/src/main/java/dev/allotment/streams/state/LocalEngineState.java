package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.SkuStock;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.allocation.BookKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link EngineState} on this instance's state stores (Kafka Streams interactive queries). A keyed read goes to the
 * store of the key's partition; a store that is not queryable (a rebalance moving it, a key with no owner yet) is asked
 * again every {@value #PAUSE_MS} ms until {@code retryBound} has passed, then the read fails with
 * {@link EngineUnavailableException}. That retry is {@link #retrying}, and every read goes through it.
 *
 * <p>Only this instance's active tasks are read, unless it is {@link #standbys()}: then keyed reads also read the
 * standby copies this instance keeps of other instances' tasks, which may lag them.
 *
 * @param clients the Kafka Streams clients of this instance (each store read from the one that holds it)
 * @param handles the stores its running tasks hold for keyed reads of active copies, read without Kafka Streams'
 *     lookup ({@link StoreHandles}); a store not held there is looked up as an interactive query
 * @param log the decision log, which the order histories' entries point into
 * @param stale whether keyed reads may read standby copies
 * @param only when not null, the partitions lists read (their standby or active copies here), in place of this
 *     instance's active partitions: how a list is completed from standby copies when a partition's owner is gone
 * @param keyPartition when not null, the partition keyed reads read, not looked up again from the key: see
 *     {@link #keyedTo(int)}
 */
public record LocalEngineState(EngineClients clients, StoreHandles handles, StoreChanges changes, Topics topics,
                               DecisionLog log, Duration retryBound, boolean stale, Set<Integer> only, Integer keyPartition)
    implements EngineState {
    /** How long a read waits for a store that is moving before it answers "unavailable". */
    public static final Duration DEFAULT_RETRY = Duration.ofMillis(250);
    static final long PAUSE_MS = 10;
    private static final StringSerializer KEYS = new StringSerializer();

    /** Reads of this instance's active tasks alone. */
    public LocalEngineState(EngineClients clients, StoreHandles handles, StoreChanges changes, Topics topics,
                            DecisionLog log, Duration retryBound) {
        this(clients, handles, changes, topics, log, retryBound, false, null, null);
    }

    /** The same reads, of this instance's standby copies too (keyed reads): answers that may lag the active copy. */
    public LocalEngineState standbys() {
        return new LocalEngineState(clients, handles, changes, topics, log, retryBound, true, null, null);
    }

    /** The same reads, answering "unavailable" at once where they would wait for a store that is moving. */
    public LocalEngineState withoutWaiting() {
        return new LocalEngineState(clients, handles, changes, topics, log, Duration.ZERO, stale, only, keyPartition);
    }

    /**
     * The same reads, for one read of a key whose partition the caller has just looked up in Kafka Streams' metadata
     * (the router's answer-at-once step): its keyed read goes to {@code partition} without looking it up again.
     */
    public LocalEngineState keyedTo(int partition) {
        return new LocalEngineState(clients, handles, changes, topics, log, retryBound, stale, only, partition);
    }

    /**
     * Lists of {@code partitions} alone, from whichever copy of each this instance holds (a standby copy may lag the
     * active one); a partition it holds no copy of is "not queryable", asked again, then unavailable.
     */
    public LocalEngineState partitions(Set<Integer> partitions) {
        return new LocalEngineState(clients, handles, changes, topics, log, retryBound, true, Set.copyOf(partitions), null);
    }

    /**
     * Read from the store of the partition the Java client's partitioner maps the key to (one RocksDB read instead of one
     * per local partition), then, when that partition does not hold it, from this instance's other partitions: a
     * platform's producer may use another partitioner (librdkafka's default is CRC32); the engine moves such records to
     * their home partitions, and this finds one that was stored before that. A partition that is not queryable (moving,
     * restoring) is asked again, never taken for "not found". A standby read asks the key's partition alone.
     */
    @Override
    public Optional<OrderProjection> order(String orderId) {
        OrderProjection found = this.<OrderProjection, OrderProjection>readKeyed(StoreNames.ORDERS, orderId, s -> s.get(orderId));
        if (found != null || stale) {
            return Optional.ofNullable(found);
        }
        return this.<OrderProjection, OrderProjection>readEveryPartition(StoreNames.ORDERS, topics.orderEvents(),
            s -> s.get(orderId)).stream().filter(Objects::nonNull).findFirst();
    }

    @Override
    public List<OrderProjection> orders(String after, String before, int limit) {
        return retrying(StoreNames.ORDERS, () -> {
            KafkaStreams running = running(StoreNames.ORDERS);
            List<ReadOnlyKeyValueStore<String, OrderProjection>> stores = new ArrayList<>();
            for (int partition : listed(running, topics.orderEvents())) {
                stores.add(store(running, StoreNames.ORDERS, partition));
            }
            return OrderPages.page(stores, after, before, limit);
        });
    }

    /**
     * The order's history entries from its partition's stores (the positions in the order's record, and what the
     * history store holds from before), then their events from the decision log (outside the stores' retry: a store
     * that moves is asked again, the log is read once). {@link OrderHistories}.
     */
    @Override
    public List<AllocationEvent> history(String orderId) {
        HistoryAt at = onKeyPartition(StoreNames.ORDER_HISTORY, orderId, (running, partition) -> {
            List<KeyValue<String, byte[]>> stored = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = this.<byte[]>store(running, StoreNames.ORDER_HISTORY, partition)
                .prefixScan(HistoryKeys.prefix(orderId), KEYS)) {
                it.forEachRemaining(stored::add);
            }
            OrderProjection order = this.<OrderProjection>store(running, StoreNames.ORDERS, partition).get(orderId);
            return new HistoryAt(partition, OrderHistories.entries(orderId, stored, order),
                OrderHistories.reservationSought(order));
        });
        return OrderHistories.read(at.partition(), orderId, at.entries(), at.reservationSought(), log);   // off the stores
    }

    /** An order's history entries as its stores hold them, read from the log once the stores are let go. */
    private record HistoryAt(int partition, List<KeyValue<String, byte[]>> entries, long reservationSought) {}

    @Override
    public List<LineReservation> lines(String sku, String orderId) {
        return this.<LineReservation, List<LineReservation>>readKeyed(StoreNames.LINE_RESERVATIONS, sku,
            s -> values(s.prefixScan(BookKeys.orderPrefix(sku, orderId), KEYS)));
    }

    /** Read from the waiting queue (service order), each entry's line from the reservations of the same partition. */
    @Override
    public List<LineReservation> waiting(String sku, int max) {
        return this.<List<LineReservation>>onKeyPartition(StoreNames.WAITING, sku, (running, partition) -> {
            ReadOnlyKeyValueStore<String, String> queue = store(running, StoreNames.WAITING, partition);
            ReadOnlyKeyValueStore<String, LineReservation> lines = store(running, StoreNames.LINE_RESERVATIONS, partition);
            List<LineReservation> found = new ArrayList<>();
            try (KeyValueIterator<String, String> it = queue.prefixScan(BookKeys.skuPrefix(sku), KEYS)) {
                while (it.hasNext() && found.size() < max) {
                    LineReservation line = lines.get(it.next().value);
                    if (line != null) {
                        found.add(line);
                    }
                }
            }
            return found;
        });
    }

    /**
     * Found through the {@code allocation-requests} index (request id to order id), then read from its order in the same
     * partition: the order-fold task writes both, so the order is where its index entry is, wherever the key's default
     * partition would be, and no key's owner is looked up.
     */
    @Override
    public Optional<FoundRequest> request(String requestId) {
        return this.<String, OrderProjection, Optional<FoundRequest>>readEveryPartition(StoreNames.ALLOCATION_REQUESTS,
                StoreNames.ORDERS, topics.orderEvents(), (index, orders) -> {
                String orderId = index.get(requestId);
                OrderProjection order = orderId == null ? null : orders.get(orderId);
                return order == null ? Optional.<FoundRequest>empty() : requestOf(order, requestId);
            }).stream().flatMap(Optional::stream).findFirst();
    }

    @Override
    public List<FoundRequest> requests(Set<String> statuses, Set<String> locations, int limit) {
        List<FoundRequest> all = new ArrayList<>();
        this.<String, OrderProjection, List<FoundRequest>>readEveryPartition(StoreNames.ORDER_INDEX, StoreNames.ORDERS,
            topics.orderEvents(), (index, orders) -> IndexReads.requests(index, orders, statuses, locations, limit))
            .forEach(all::addAll);
        all.sort(IndexReads.REQUEST_ORDER);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public List<OrderProjection> ordersAt(String locationId, String after, String before, int limit) {
        List<OrderProjection> all = new ArrayList<>();
        this.<String, OrderProjection, List<OrderProjection>>readEveryPartition(StoreNames.ORDER_INDEX, StoreNames.ORDERS,
            topics.orderEvents(), (index, orders) -> IndexReads.ordersAt(index, orders, locationId, after, before, limit))
            .forEach(all::addAll);
        all.sort(Comparator.comparing(OrderProjection::getOrderId));
        int keep = Math.min(limit + 1, all.size());
        return List.copyOf(before == null ? all.subList(0, keep) : all.subList(all.size() - keep, all.size()));
    }

    private static Optional<FoundRequest> requestOf(OrderProjection order, String requestId) {
        return order.getAllocations().stream().filter(a -> a.getRequest() && a.getAllocationId().equals(requestId))
            .findFirst().map(a -> new FoundRequest(order, a));
    }

    @Override
    public Optional<CommandOutcome> outcome(String sku, String commandId) {
        return Optional.ofNullable(this.<CommandOutcome, CommandOutcome>readKeyed(StoreNames.COMMAND_OUTCOMES, sku,
            s -> s.get(commandId)));
    }

    @Override
    public List<CommandOutcome> outcomesUnder(String prefix) {
        List<CommandOutcome> all = new ArrayList<>();
        this.<CommandOutcome, List<CommandOutcome>>readEveryPartition(StoreNames.COMMAND_OUTCOMES, topics.stockEvents(),
            s -> values(s.prefixScan(prefix, KEYS))).forEach(all::addAll);
        return all;
    }

    @Override
    public Optional<SkuStock> stock(String sku) {
        return Optional.ofNullable(this.<SkuStock, SkuStock>readKeyed(StoreNames.SKU_STOCK, sku, s -> s.get(sku)));
    }

    @Override
    public List<SkuStock> stock(String locationId, String after, int limit) {
        List<SkuStock> all = new ArrayList<>();
        this.<String, SkuStock, List<SkuStock>>readEveryPartition(StoreNames.STOCK_INDEX, StoreNames.SKU_STOCK,
            topics.stockEvents(), (index, stock) -> IndexReads.stock(index, stock, locationId, after, limit))
            .forEach(all::addAll);
        all.sort(Comparator.comparing(SkuStock::getSku));
        return List.copyOf(all.subList(0, Math.min(limit + 1, all.size())));
    }

    @Override
    public Optional<LocationUpserted> location(String locationId) {
        return locationPayload(LocationKeys.location(locationId), LocationUpserted.class);
    }

    @Override
    public List<LocationUpserted> locations() {
        List<LocationUpserted> all = new ArrayList<>();
        for (LocationEvent e : this.<LocationEvent, List<LocationEvent>>read(StoreNames.LOCATIONS, null, s -> values(s.all()))) {
            if (e.getPayload() instanceof LocationUpserted l) {
                all.add(l);
            }
        }
        return all;
    }

    @Override
    public Optional<RoutingSet> routing(String channel) {
        return locationPayload(LocationKeys.channel(channel), RoutingSet.class);
    }

    /** The payload of the global locations store's entry at {@code key}, when it is a {@code type}. */
    private <T> Optional<T> locationPayload(String key, Class<T> type) {
        LocationEvent event = this.<LocationEvent, LocationEvent>read(StoreNames.LOCATIONS, null, s -> s.get(key));
        return Optional.ofNullable(event).map(LocationEvent::getPayload).filter(type::isInstance).map(type::cast);
    }

    /** {@code query} on store {@code name} (of one partition, or of every local one when null). */
    private <V, T> T read(String name, Integer partition, Function<ReadOnlyKeyValueStore<String, V>, T> query) {
        if (name.equals(StoreNames.LOCATIONS)) {
            return retrying(name, () -> everyCopy(name, query));
        }
        return retrying(name, () -> query.apply(store(running(name), name, partition)));
    }

    /**
     * {@code query} on global store {@code name}, once every client's copy of it answers the same: each Kafka Streams
     * client keeps a copy of its own and its tasks decide with it, so an answer (a location just created, say) holds for
     * the tasks of all of them. A copy still catching up is "not queryable yet", and asked again.
     */
    private <V, T> T everyCopy(String name, Function<ReadOnlyKeyValueStore<String, V>, T> query) {
        List<KafkaStreams> copies = clients.all();
        T first = query.apply(store(running(name), name, null));
        for (int i = 1; i < copies.size(); i++) {
            T other = query.apply(this.<V>store(running(copies.get(i)), name, null));
            if (!Objects.equals(first, other)) {
                throw new InvalidStateStoreException("this instance's copies of " + name + " differ: one is catching up");
            }
        }
        return first;
    }

    /**
     * {@code query} on store {@code name} of each partition of {@code topic} whose active task is this instance's, one
     * answer per partition; a partition assigned here but not queryable yet (restoring) is asked again, not skipped.
     */
    private <V, T> List<T> readEveryPartition(String name, String topic, Function<ReadOnlyKeyValueStore<String, V>, T> query) {
        return retrying(name, () -> {
            KafkaStreams running = running(name);
            List<T> answers = new ArrayList<>();
            for (int partition : listed(running, topic)) {
                answers.add(query.apply(this.<V>store(running, name, partition)));
            }
            return answers;
        });
    }

    /** {@link #readEveryPartition(String, String, Function)} of two stores of each partition: an index and what it indexes. */
    private <A, B, T> List<T> readEveryPartition(String first, String second, String topic,
                                                 BiFunction<ReadOnlyKeyValueStore<String, A>, ReadOnlyKeyValueStore<String, B>, T> query) {
        return retrying(first, () -> {
            KafkaStreams running = running(first);
            List<T> answers = new ArrayList<>();
            for (int partition : listed(running, topic)) {
                answers.add(query.apply(this.<A>store(running, first, partition), this.<B>store(running, second, partition)));
            }
            return answers;
        });
    }

    /** The partitions of {@code topic} a list reads: this instance's active ones, or the ones it was asked for. */
    private Set<Integer> listed(KafkaStreams running, String topic) {
        return only != null ? new TreeSet<>(only) : clients.activePartitions(running, topic);
    }

    /** {@code query} on store {@code name} of the partition that owns {@code key}. */
    private <V, T> T readKeyed(String name, String key, Function<ReadOnlyKeyValueStore<String, V>, T> query) {
        return onKeyPartition(name, key, (running, partition) -> query.apply(this.<V>store(running, name, partition)));
    }

    /** {@code query} on the partition that owns {@code key} in store {@code name} (whose stores it may open). */
    private <T> T onKeyPartition(String name, String key, BiFunction<KafkaStreams, Integer, T> query) {
        return retrying(name, () -> {
            KafkaStreams running = running(name);
            if (keyPartition != null) {
                return query.apply(running, keyPartition);
            }
            KeyQueryMetadata meta = running.queryMetadataForKey(name, key, KEYS);
            if (!owned(meta)) {
                throw new InvalidStateStoreException("the engine is rebalancing; no owner of " + key + " yet");
            }
            return query.apply(running, meta.partition());
        });
    }

    private <T> T retrying(String store, Supplier<T> attempt) {
        return retrying(retryBound, store, attempt);
    }

    /** Runs {@code attempt} until no store in it is moving, or {@code bound} has passed. */
    static <T> T retrying(Duration bound, String store, Supplier<T> attempt) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                    throw new EngineUnavailableException("store " + store + " is not queryable here yet: " + e.getMessage());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PAUSE_MS));
            }
        }
    }

    private static boolean owned(KeyQueryMetadata meta) {
        return meta != null && !meta.equals(KeyQueryMetadata.NOT_AVAILABLE);
    }

    /** The client that holds {@code store}, while it runs. */
    private KafkaStreams running(String store) {
        return running(clients.forStore(store));
    }

    private static KafkaStreams running(KafkaStreams running) {
        if (running == null) {
            throw new EngineUnavailableException("the engine is starting");
        }
        if (!running.state().isRunningOrRebalancing()) {
            // stopped (drained, shutting down, failed): its stores answer nothing, which is not "nothing there"
            throw new EngineUnavailableException("the engine is " + running.state());
        }
        return running;
    }

    /** The partitions of {@code topic} whose active tasks run here: what this instance's lists of them cover. */
    public Set<Integer> activePartitions(String topic) {
        return clients.activePartitions(running(clients.forTopic(topic)), topic);
    }

    /**
     * Store {@code name} of {@code partition} (of every local partition when null): the running task's own, when it
     * holds it for the edge ({@link StoreHandles}) and the read is of active copies; else Kafka Streams' view.
     */
    private <V> ReadOnlyKeyValueStore<String, V> store(KafkaStreams streams, String name, Integer partition) {
        if (!stale && partition != null) {
            ReadOnlyKeyValueStore<String, V> held = handles.held(name, partition);
            if (held != null) {
                return held;
            }
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> params =
            StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
        if (stale && partition != null) {
            params = params.enableStaleStores();
        }
        return streams.store(partition == null ? params : params.withPartition(partition));
    }

    private static <V> List<V> values(KeyValueIterator<String, V> it) {
        List<V> values = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> values.add(kv.value));
        }
        return values;
    }
}
