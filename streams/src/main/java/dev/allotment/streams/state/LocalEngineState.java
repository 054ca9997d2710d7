package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationProjection;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
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
 * @param streams the running Kafka Streams of this instance, or null while it starts
 */
public record LocalEngineState(Supplier<KafkaStreams> streams, StoreChanges changes, Topics topics, Duration retryBound)
    implements EngineState {
    /** How long a read waits for a store that is moving before it answers "unavailable". */
    public static final Duration DEFAULT_RETRY = Duration.ofMillis(250);
    static final long PAUSE_MS = 10;
    private static final StringSerializer KEYS = new StringSerializer();

    /**
     * Read first from the store of the partition the Java client's partitioner maps the key to (one RocksDB read instead
     * of one per local partition), then from every local store: a platform's producer may use another partitioner
     * (librdkafka's default is CRC32), which puts the order in another partition.
     */
    @Override
    public Optional<OrderProjection> order(String orderId) {
        KafkaStreams running = running();
        KeyQueryMetadata meta = running.queryMetadataForKey(StoreNames.ORDERS, orderId, KEYS);
        if (owned(meta)) {
            try {
                OrderProjection order = LocalEngineState.<OrderProjection>store(running, StoreNames.ORDERS, meta.partition())
                    .get(orderId);
                if (order != null) {
                    return Optional.of(order);
                }
            } catch (InvalidStateStoreException e) {
                // not an active partition of this instance (or moving): every local store answers below
            }
        }
        return Optional.ofNullable(this.<OrderProjection, OrderProjection>read(StoreNames.ORDERS, null, s -> s.get(orderId)));
    }

    @Override
    public List<OrderProjection> orders(String after, String before, int limit) {
        return retrying(StoreNames.ORDERS, () -> {
            KafkaStreams running = running();
            List<ReadOnlyKeyValueStore<String, OrderProjection>> stores = new ArrayList<>();
            for (int partition : OrderPages.localPartitions(running, topics.orderEvents())) {
                stores.add(store(running, StoreNames.ORDERS, partition));
            }
            return OrderPages.page(stores, after, before, limit);
        });
    }

    @Override
    public List<AllocationEvent> history(String orderId) {
        return this.<AllocationEvent, List<AllocationEvent>>readKeyed(StoreNames.ORDER_HISTORY, orderId,
            s -> values(s.prefixScan(HistoryKeys.prefix(orderId), KEYS)));
    }

    @Override
    public List<LineReservation> lines(String sku, String orderId) {
        return this.<LineReservation, List<LineReservation>>readKeyed(StoreNames.LINE_RESERVATIONS, sku,
            s -> values(s.prefixScan(BookKeys.orderPrefix(sku, orderId), KEYS)));
    }

    /** Found through the {@code allocation-requests} index (request id to order id), then read from its order. */
    @Override
    public Optional<FoundRequest> request(String requestId) {
        String orderId = this.<String, String>read(StoreNames.ALLOCATION_REQUESTS, null, s -> s.get(requestId));
        return orderId == null ? Optional.empty() : order(orderId).flatMap(o -> requestOf(o, requestId));
    }

    @Override
    public List<FoundRequest> requests() {
        Set<String> orderIds = this.<String, Set<String>>read(StoreNames.ALLOCATION_REQUESTS, null, s -> {
            Set<String> ids = new LinkedHashSet<>();
            try (KeyValueIterator<String, String> it = s.all()) {
                it.forEachRemaining(kv -> ids.add(kv.value));
            }
            return ids;
        });
        List<FoundRequest> found = new ArrayList<>();
        for (String orderId : orderIds) {
            order(orderId).ifPresent(o -> o.getAllocations().stream().filter(AllocationProjection::getRequest)
                .forEach(a -> found.add(new FoundRequest(o, a))));
        }
        found.sort(Comparator.comparing((FoundRequest f) -> f.request().getCreatedAt())
            .thenComparing(f -> f.request().getAllocationId()));
        return found;
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
        return this.<CommandOutcome, List<CommandOutcome>>read(StoreNames.COMMAND_OUTCOMES, null,
            s -> values(s.prefixScan(prefix, KEYS)));
    }

    @Override
    public Optional<SkuStock> stock(String sku) {
        return Optional.ofNullable(this.<SkuStock, SkuStock>readKeyed(StoreNames.SKU_STOCK, sku, s -> s.get(sku)));
    }

    @Override
    public List<SkuStock> stock() {
        List<SkuStock> all = this.<SkuStock, List<SkuStock>>read(StoreNames.SKU_STOCK, null, s -> values(s.all()));
        all.sort(Comparator.comparing(SkuStock::getSku));
        return all;
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
        return retrying(name, () -> query.apply(store(running(), name, partition)));
    }

    /** {@code query} on store {@code name} of the partition that owns {@code key}. */
    private <V, T> T readKeyed(String name, String key, Function<ReadOnlyKeyValueStore<String, V>, T> query) {
        return retrying(name, () -> {
            KafkaStreams running = running();
            KeyQueryMetadata meta = running.queryMetadataForKey(name, key, KEYS);
            if (!owned(meta)) {
                throw new InvalidStateStoreException("the engine is rebalancing; no owner of " + key + " yet");
            }
            return query.apply(store(running, name, meta.partition()));
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

    private KafkaStreams running() {
        KafkaStreams running = streams.get();
        if (running == null) {
            throw new EngineUnavailableException("the engine is starting");
        }
        return running;
    }

    private static <V> ReadOnlyKeyValueStore<String, V> store(KafkaStreams streams, String name, Integer partition) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> params =
            StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
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
