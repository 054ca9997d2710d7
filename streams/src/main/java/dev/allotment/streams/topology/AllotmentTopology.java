package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.CartHold;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.GroupState;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.PreparedPart;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.TopicSpec;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.FailedRecords;
import dev.allotment.streams.support.Guarded;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's topology as a function of its topics and serdes, called alike by the service and the
 * tests. Two sub-topologies and two global stores:
 * <ul>
 * <li>orders (partitioned by order id): order-events → orders store → allocation-events,
 *     order-projections, and one command per line to the line's SKU; allocation-events folded back;</li>
 * <li>SKUs (partitioned by SKU): commands and stock-events → stock, line reservations, waiting queue,
 *     command outcomes → allocation-events, stock-levels; a multi-SKU command's votes and decisions back to commands
 *     ({@link GroupParts});</li>
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
        return build(topics, serdes, TopologyHooks.none(), TopologySettings.DEFAULTS);
    }

    /** The topology under {@code limits} (the order contract's configurable part: lines per order), without hooks. */
    public static Topology build(Topics topics, AvroSerdes serdes, Limits limits) {
        return build(topics, serdes, TopologyHooks.none(), TopologySettings.DEFAULTS.withLimits(limits));
    }

    /**
     * The topology, whose processors tell {@code hooks} which keys' stores they changed, forward a platform's order or
     * stock event found away from its key's home partition to that partition, send what a global store cannot use to
     * the dead letters through the hooks' outlet, dead-letter orders beyond the settings' limits, and keep command
     * outcomes and final orders' history as long as the settings say.
     */
    public static Topology build(Topics topics, AvroSerdes serdes, TopologyHooks hooks, TopologySettings settings) {
        Topology topology = new Topology();
        Wiring w = new Wiring(topics, serdes, hooks, settings, new LocationChanges(), new FailedRecords());
        globalStores(topology, w);
        orders(topology, w);
        skus(topology, w);
        return topology;
    }

    /** What one build shares among its processors (a topology's processors are created by it for every task and thread). */
    private record Wiring(Topics topics, AvroSerdes serdes, TopologyHooks hooks, TopologySettings settings,
                          LocationChanges locationChanges, FailedRecords failures) {
        /** {@code processor}, guarded so that a record whose processing throws goes to {@code deadLetters} when read again. */
        ProcessorSupplier<byte[], byte[], Object, Object> guarded(ProcessorSupplier<byte[], byte[], Object, Object> processor,
                                                                  String deadLetters, String entity) {
            return new Guarded(processor, failures, deadLetters, entity);
        }
    }

    private static void orders(Topology topology, Wiring w) {
        Topics topics = w.topics();
        AvroSerdes serdes = w.serdes();
        Serde<OrderProjection> projections = serdes.value(OrderProjection.class);
        Deserializer<byte[]> bytes = Serdes.ByteArray().deserializer();
        topology.addSource("order-events-source", bytes, bytes, topics.orderEvents());
        topology.addSource("order-fold-source", bytes, bytes, topics.allocationEvents());
        FoldPositions foldPositions = new FoldPositions();   // the fold's, read by the placing of the same task
        topology.addProcessor("order-events-processor", w.guarded(new OrderEventProcessor(serdes.value(OrderEvent.class)
            .deserializer(), w.locationChanges(), w.hooks().changes(), w.hooks().homes(), w.settings().limits(), topics.engineCommands(),
            w.settings().shards(), AvailableUnits.reader(serdes.value(StockLevel.class), topics.stockLevels()), foldPositions),
            NodeNames.DEAD_LETTERS,
            "order-events"), "order-events-source");
        // the order's stores the edge reads, held for it while the task runs (StoreHandles)
        topology.addProcessor("order-fold-processor", w.hooks().handles().publishing(w.guarded(new OrderFoldProcessor(
            topics.allocationEvents(), serdes.value(AllocationEvent.class).deserializer(), w.hooks().changes(),
            w.settings().orderHistoryRetention(), foldPositions), NodeNames.FOLD_DEAD_LETTERS, "order-fold"),
            StoreNames.ORDERS, StoreNames.ORDER_HISTORY, StoreNames.ALLOCATION_REQUESTS, StoreNames.ORDER_INDEX),
            "order-fold-source");
        // an order is written when placed and again for each decision folded, mostly within one commit: kept as an
        // object until the commit, serialized once then (CommitTimeStore), not per decision
        topology.addStateStore(CommitTimeStore.builder(StoreNames.ORDERS, projections)
            .withLoggingEnabled(changelogSegments(StoreNames.ORDERS)), "order-events-processor", "order-fold-processor");
        // positions in the decision log, not copies of its events (OrderHistories): an entry's value is empty
        store(topology, StoreNames.ORDER_HISTORY, Serdes.ByteArray(), "order-fold-processor");
        store(topology, StoreNames.ORDER_HISTORY_EXPIRY, Serdes.String(), "order-fold-processor");
        store(topology, StoreNames.ALLOCATION_REQUESTS, Serdes.String(), "order-fold-processor");
        store(topology, StoreNames.ORDER_INDEX, Serdes.String(), "order-events-processor", "order-fold-processor");
        topology.addSink(NodeNames.ALLOCATION_EVENTS, topics.allocationEvents(), Serdes.String().serializer(),
            serdes.value(AllocationEvent.class).serializer(), "order-events-processor");
        // the feed's bytes cut from the store's, which the same flush has just encoded: an order encoded once per commit
        topology.addSink(NodeNames.ORDER_PROJECTIONS, topics.orderProjections(), Serdes.String().serializer(),
            ProjectionFeedSerializer.of(projections), "order-fold-processor");
        topology.addSink(NodeNames.COMMANDS, topics.engineCommands(), Serdes.String().serializer(),
            serdes.value(Command.class).serializer(), "order-events-processor");
        rawSink(topology, NodeNames.DEAD_LETTERS, topics.deadLetters(), "order-events-processor");
        rawSink(topology, NodeNames.FOLD_DEAD_LETTERS, topics.deadLetters(), "order-fold-processor");
        rawSink(topology, NodeNames.ORDER_EVENTS_HOME, topics.orderEvents(), "order-events-processor");
    }

    private static void skus(Topology topology, Wiring w) {
        Topics topics = w.topics();
        AvroSerdes serdes = w.serdes();
        Deserializer<byte[]> bytes = Serdes.ByteArray().deserializer();
        // the edge's commands and the engine's own apart: an edge command never waits behind an engine transaction
        // still open on its partition (a read_committed reader stops at the first record of one)
        topology.addSource("sku-source", bytes, bytes, topics.commands(), topics.engineCommands(), topics.stockEvents());
        // the SKU's stores the edge reads, held for it while the task runs (StoreHandles)
        topology.addProcessor("sku-processor", w.hooks().handles().publishing(w.guarded(new SkuProcessor(topics,
            serdes.value(Command.class).deserializer(), serdes.value(StockEvent.class).deserializer(), w.locationChanges(),
            w.hooks().changes(), w.hooks().homes(), w.settings().commandOutcomeRetention(), w.settings().commandGroupTimeout(),
            w.settings().shards(), w.settings().answerCommitGap(), w.hooks().commandsEnds()),
            NodeNames.SKU_DEAD_LETTERS, "sku"), StoreNames.SKU_STOCK, StoreNames.STOCK_INDEX, StoreNames.LINE_RESERVATIONS,
            StoreNames.WAITING, StoreNames.COMMAND_OUTCOMES), "sku-source");
        // a popular SKU's stock changes with every decision: kept as an object until the commit, serialized into RocksDB
        // and its changelog once then; the stock levels feed is published from that commit (SkuProcessor). A record per
        // SKU live, one per commit that changed it written: its changelog churns (TopicSpec.CHURNING_SEGMENT_BYTES)
        topology.addStateStore(CommitTimeStore.builder(StoreNames.SKU_STOCK, serdes.value(SkuStock.class),
            StockCopies::copy).withLoggingEnabled(changelogSegments(StoreNames.SKU_STOCK)), "sku-processor");
        store(topology, StoreNames.STOCK_INDEX, Serdes.String(), "sku-processor");
        store(topology, StoreNames.LINE_RESERVATIONS, serdes.value(LineReservation.class), "sku-processor");
        store(topology, StoreNames.WAITING, Serdes.String(), "sku-processor");
        store(topology, StoreNames.COMMAND_OUTCOMES, serdes.value(CommandOutcome.class), "sku-processor");
        store(topology, StoreNames.COMMAND_OUTCOME_EXPIRY, Serdes.String(), "sku-processor");
        store(topology, StoreNames.REQUEST_EXPIRY, Serdes.String(), "sku-processor");
        store(topology, StoreNames.LINE_HOLDS, Serdes.String(), "sku-processor");
        store(topology, StoreNames.CART_HOLDS, serdes.value(CartHold.class), "sku-processor");
        store(topology, StoreNames.CART_HOLD_EXPIRY, Serdes.String(), "sku-processor");
        store(topology, StoreNames.PREPARED_PARTS, serdes.value(PreparedPart.class), "sku-processor");
        store(topology, StoreNames.COMMAND_GROUPS, serdes.value(GroupState.class), "sku-processor");
        store(topology, StoreNames.GROUP_DEADLINES, Serdes.String(), "sku-processor");
        topology.addSink(NodeNames.SKU_COMMANDS, topics.engineCommands(), Serdes.String().serializer(),
            serdes.value(Command.class).serializer(), "sku-processor");
        topology.addSink(NodeNames.SKU_ALLOCATION_EVENTS, topics.allocationEvents(), Serdes.String().serializer(),
            serdes.value(AllocationEvent.class).serializer(), "sku-processor");
        topology.addSink(NodeNames.STOCK_LEVELS, topics.stockLevels(), serdes.key(StockLevelKey.class).serializer(),
            serdes.value(StockLevel.class).serializer(), "sku-processor");
        rawSink(topology, NodeNames.SKU_DEAD_LETTERS, topics.deadLetters(), "sku-processor");
        rawSink(topology, NodeNames.STOCK_EVENTS_HOME, topics.stockEvents(), "sku-processor");
    }

    /** A persistent store with String keys, for {@code processors}, its changelog segmented as {@link #changelogSegments}. */
    private static <V> void store(Topology topology, String name, Serde<V> values, String... processors) {
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
            .withLoggingEnabled(changelogSegments(name)), processors);
    }

    /**
     * The segment settings of a store's changelog (Kafka Streams creates it with them, and never changes an existing
     * one): {@link TopicSpec#churningSegments()} for the SKU stock, a record per SKU rewritten by every commit that
     * changes it; {@link TopicSpec#compactedSegments()} for every other store.
     */
    public static java.util.Map<String, String> changelogSegments(String store) {
        return StoreNames.SKU_STOCK.equals(store) ? TopicSpec.churningSegments() : TopicSpec.compactedSegments();
    }

    /** A sink that writes records as received, bytes in and out (dead letters; events forwarded to their home partition). */
    private static void rawSink(Topology topology, String name, String topic, String parent) {
        topology.addSink(name, topic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), parent);
    }

    /** Both global stores read bytes: their loaders decode, so a record they cannot use is dead-lettered, not fatal. */
    private static void globalStores(Topology topology, Wiring w) {
        Topics topics = w.topics();
        AvroSerdes serdes = w.serdes();
        Deserializer<byte[]> bytes = Serdes.ByteArray().deserializer();
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.LOCATIONS),
                Serdes.String(), serdes.value(LocationEvent.class)).withLoggingDisabled(),
            "locations-source", bytes, bytes, topics.locationEvents(), "locations-loader",
            GlobalLoaders.locations(topics.locationEvents(), serdes.value(LocationEvent.class).deserializer(),
                w.locationChanges(), w.hooks().deadLetters(), w.hooks().globals()));
        // the stock view holds each level's bytes as they came (a framed StockLevel, as the store always held); placing
        // reads the available units of them alone (AvailableUnits)
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.STOCK_VIEW),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
            "stock-view-source", bytes, bytes, topics.stockLevels(), "stock-view-loader",
            GlobalLoaders.stockView(topics.stockLevels(), serdes.key(StockLevelKey.class).deserializer(),
                serdes.value(StockLevel.class).deserializer(), w.hooks().deadLetters()));
    }
}
