package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's topology as a function of its topics and serdes, called alike by the service and the
 * tests. Two sub-topologies and two global stores:
 * <ul>
 * <li>orders (partitioned by order id): order-events → orders store → allocation-events,
 *     order-projections, and one command per line to the line's SKU; allocation-events folded back;</li>
 * <li>SKUs (partitioned by SKU): commands and stock-events → stock, line reservations, waiting queue,
 *     command outcomes → allocation-events, stock-levels;</li>
 * <li>global: locations and routing (location-events); the stock view (stock-levels).</li>
 * </ul>
 * A placed order's lines are decided one hop after the order (its SKU's partition); a one-SKU command
 * is decided in one hop. Undecodable or invalid records go to dead-letters.
 */
public final class AllotmentTopology {
    /**
     * Bumped whenever sub-topologies are added, removed or reordered: local state is kept per version,
     * because Kafka Streams names task directories by sub-topology number and cannot reuse state laid
     * out for another shape (it is restored from the changelogs instead, whose names do not change).
     */
    public static final int LAYOUT_VERSION = 2;

    private AllotmentTopology() {}

    public static Topology build(Topics topics, AvroSerdes serdes) {
        return build(topics, serdes, Limits.DEFAULTS);
    }

    /** The topology under {@code limits} (the order contract's configurable part: lines per order). */
    public static Topology build(Topics topics, AvroSerdes serdes, Limits limits) {
        return build(topics, serdes, new StoreChanges(), HomePartitions.unknown(), limits);
    }

    /**
     * The topology, whose processors tell {@code changes} which keys' stores they changed, and forward a platform's
     * order or stock event found away from its key's home partition to that partition ({@code homes}); orders beyond
     * {@code limits} are dead-lettered.
     */
    public static Topology build(Topics topics, AvroSerdes serdes, StoreChanges changes, HomePartitions homes, Limits limits) {
        Topology topology = new Topology();
        LocationChanges locationChanges = new LocationChanges();
        globalStores(topology, topics, serdes, locationChanges);
        orders(topology, topics, serdes, locationChanges, changes, homes, limits);
        skus(topology, topics, serdes, locationChanges, changes, homes);
        return topology;
    }

    private static void orders(Topology topology, Topics topics, AvroSerdes serdes, LocationChanges locationChanges,
                               StoreChanges changes, HomePartitions homes, Limits limits) {
        Serde<OrderProjection> projections = serdes.value(OrderProjection.class);
        Deserializer<byte[]> bytes = Serdes.ByteArray().deserializer();
        topology.addSource("order-events-source", bytes, bytes, topics.orderEvents());
        topology.addSource("order-fold-source", bytes, bytes, topics.allocationEvents());
        topology.addProcessor("order-events-processor",
            new OrderEventProcessor(serdes.value(OrderEvent.class).deserializer(), locationChanges, changes, homes, limits),
            "order-events-source");
        topology.addProcessor("order-fold-processor",
            new OrderFoldProcessor(topics.allocationEvents(), serdes.value(AllocationEvent.class).deserializer(), changes),
            "order-fold-source");
        // cached: an order is written when placed and again for each decision folded, mostly within one commit
        cachedStore(topology, StoreNames.ORDERS, projections, "order-events-processor", "order-fold-processor");
        store(topology, StoreNames.ORDER_HISTORY, serdes.value(AllocationEvent.class), "order-fold-processor");
        store(topology, StoreNames.ALLOCATION_REQUESTS, Serdes.String(), "order-fold-processor");
        topology.addSink(NodeNames.ALLOCATION_EVENTS, topics.allocationEvents(), Serdes.String().serializer(),
            serdes.value(AllocationEvent.class).serializer(), "order-events-processor");
        topology.addSink(NodeNames.ORDER_PROJECTIONS, topics.orderProjections(), Serdes.String().serializer(),
            projections.serializer(), "order-events-processor", "order-fold-processor");
        topology.addSink(NodeNames.COMMANDS, topics.commands(), Serdes.String().serializer(),
            serdes.value(Command.class).serializer(), "order-events-processor");
        rawSink(topology, NodeNames.DEAD_LETTERS, topics.deadLetters(), "order-events-processor");
        rawSink(topology, NodeNames.FOLD_DEAD_LETTERS, topics.deadLetters(), "order-fold-processor");
        rawSink(topology, NodeNames.ORDER_EVENTS_HOME, topics.orderEvents(), "order-events-processor");
    }

    private static void skus(Topology topology, Topics topics, AvroSerdes serdes, LocationChanges locationChanges,
                             StoreChanges changes, HomePartitions homes) {
        Deserializer<byte[]> bytes = Serdes.ByteArray().deserializer();
        topology.addSource("sku-source", bytes, bytes, topics.commands(), topics.stockEvents());
        topology.addProcessor("sku-processor", new SkuProcessor(topics, serdes.value(Command.class).deserializer(),
            serdes.value(StockEvent.class).deserializer(), locationChanges, changes, homes), "sku-source");
        // cached: a popular SKU's stock changes with every decision; RocksDB and its changelog see it once per commit
        cachedStore(topology, StoreNames.SKU_STOCK, serdes.value(SkuStock.class), "sku-processor");
        store(topology, StoreNames.LINE_RESERVATIONS, serdes.value(LineReservation.class), "sku-processor");
        store(topology, StoreNames.WAITING, Serdes.String(), "sku-processor");
        store(topology, StoreNames.COMMAND_OUTCOMES, serdes.value(CommandOutcome.class), "sku-processor");
        store(topology, StoreNames.REQUEST_EXPIRY, Serdes.String(), "sku-processor");
        topology.addSink(NodeNames.SKU_ALLOCATION_EVENTS, topics.allocationEvents(), Serdes.String().serializer(),
            serdes.value(AllocationEvent.class).serializer(), "sku-processor");
        topology.addSink(NodeNames.STOCK_LEVELS, topics.stockLevels(), serdes.key(StockLevelKey.class).serializer(),
            serdes.value(StockLevel.class).serializer(), "sku-processor");
        rawSink(topology, NodeNames.SKU_DEAD_LETTERS, topics.deadLetters(), "sku-processor");
        rawSink(topology, NodeNames.STOCK_EVENTS_HOME, topics.stockEvents(), "sku-processor");
    }

    /** A persistent, changelogged store with String keys, for {@code processors}. */
    private static <V> void store(Topology topology, String name, Serde<V> values, String... processors) {
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values),
            processors);
    }

    /** {@link #store}, behind a record cache: RocksDB and the changelog see a key once per commit, however often it changes. */
    private static <V> void cachedStore(Topology topology, String name, Serde<V> values, String... processors) {
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
            .withCachingEnabled(), processors);
    }

    /** A sink that writes records as received, bytes in and out (dead letters; events forwarded to their home partition). */
    private static void rawSink(Topology topology, String name, String topic, String parent) {
        topology.addSink(name, topic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), parent);
    }

    private static void globalStores(Topology topology, Topics topics, AvroSerdes serdes, LocationChanges locationChanges) {
        Deserializer<byte[]> bytes = Serdes.ByteArray().deserializer();
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.LOCATIONS),
                Serdes.String(), serdes.value(LocationEvent.class)).withLoggingDisabled(),
            "locations-source", bytes, bytes, topics.locationEvents(), "locations-loader",
            GlobalLoaders.locations(topics.locationEvents(), serdes.value(LocationEvent.class).deserializer(),
                locationChanges));
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.STOCK_VIEW),
                Serdes.String(), serdes.value(StockLevel.class)).withLoggingDisabled(),
            "stock-view-source", serdes.key(StockLevelKey.class).deserializer(), serdes.value(StockLevel.class).deserializer(),
            topics.stockLevels(), "stock-view-loader", GlobalLoaders.stockView());
    }
}
