package dev.allotment.services.engine;

import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.topology.GlobalLocations;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries on the SKU partitions' stores and the global locations store: stock by SKU,
 * a SKU's lines of an order, command outcomes, locations and routing. Reads this instance's partitions.
 */
@Singleton
public class Stores {
    private final StreamsRuntime runtime;

    public Stores(StreamsRuntime runtime) {
        this.runtime = runtime;
    }

    public Optional<SkuStock> stock(String sku) {
        ReadOnlyKeyValueStore<String, SkuStock> store = skuStore(StoreNames.SKU_STOCK, sku);
        return Optional.ofNullable(store.get(sku));
    }

    /** Every SKU's stock on this instance (for listings by location). */
    public List<SkuStock> allStock() {
        List<SkuStock> all = new ArrayList<>();
        try (KeyValueIterator<String, SkuStock> it = this.<SkuStock>store(StoreNames.SKU_STOCK, null).all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        } catch (InvalidStateStoreException e) {
            throw new EngineUnavailableException("the stock store is not queryable yet: " + e.getMessage());
        }
        all.sort(java.util.Comparator.comparing(SkuStock::getSku));
        return all;
    }

    public List<LineReservation> lines(String sku, String orderId) {
        List<LineReservation> lines = new ArrayList<>();
        ReadOnlyKeyValueStore<String, LineReservation> store = skuStore(StoreNames.LINE_RESERVATIONS, sku);
        try (KeyValueIterator<String, LineReservation> it = store.prefixScan(BookKeys.orderPrefix(sku, orderId), new StringSerializer())) {
            it.forEachRemaining(kv -> lines.add(kv.value));
        }
        return lines;
    }

    /** The first outcome of a command decided on {@code sku}'s partition, once it is decided. */
    public Optional<CommandOutcome> outcome(String sku, String commandId) {
        ReadOnlyKeyValueStore<String, CommandOutcome> store = skuStore(StoreNames.COMMAND_OUTCOMES, sku);
        return Optional.ofNullable(store.get(commandId));
    }

    public GlobalLocations locations() {
        return new GlobalLocations(store(StoreNames.LOCATIONS, null));
    }

    /** Every location and routing entry (the global store is small). */
    public List<LocationEvent> allLocationEvents() {
        List<LocationEvent> all = new ArrayList<>();
        try (KeyValueIterator<String, LocationEvent> it = this.<LocationEvent>store(StoreNames.LOCATIONS, null).all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all;
    }

    /** The store of {@code name} on the partition that owns {@code sku}. */
    private <V> ReadOnlyKeyValueStore<String, V> skuStore(String name, String sku) {
        KafkaStreams streams = streams();
        KeyQueryMetadata meta = streams.queryMetadataForKey(name, sku, Serdes.String().serializer());
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new EngineUnavailableException("the engine is rebalancing; no owner of " + sku + " yet");
        }
        return store(name, meta.partition());
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Integer partition) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> params =
            StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
        try {
            return streams().store(partition == null ? params : params.withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw new EngineUnavailableException("store " + name + " is not queryable here yet: " + e.getMessage());
        }
    }

    private KafkaStreams streams() {
        KafkaStreams streams = runtime.streams();
        if (streams == null) {
            throw new EngineUnavailableException("the engine is starting");
        }
        return streams;
    }

}
