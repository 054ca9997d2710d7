package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.events.StockSet;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.GlobalPositions;
import dev.allotment.streams.state.HistoryKeys;
import dev.allotment.streams.state.OrderHistories;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreHandles;
import dev.allotment.streams.state.StoreNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The engine's whole topology ({@link AllotmentTopology#build}) in a {@link TopologyTestDriver} under one processing
 * guarantee, with the engine's settings, a fresh state directory, typed topics in and out, the stores read back by name,
 * and the inputs several tests share. Closing it closes the driver.
 *
 * <p>A helper without a timestamp pipes its record with the input topic's default timestamp, as
 * {@code pipeInput(key, value)} does; the overloads with one stamp the record with it.
 */
final class TopologyFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    final Topics topics = Topics.defaults();
    /** The serdes the topology runs with (their schema ids are this fixture's own). */
    final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    final TopologyTestDriver driver;
    /** The driver's state directory, removed on {@link #close} (the driver removes its tasks' stores, not the directory). */
    private final Path stateDir;
    final TestInputTopic<String, OrderEvent> orders;
    /** order-events as bytes, for records that are not an OrderEvent. */
    final TestInputTopic<String, byte[]> rawOrders;
    final TestInputTopic<String, StockEvent> stock;
    final TestInputTopic<String, LocationEvent> locations;
    /** allotment.commands: the platforms' commands (the edge's). */
    final TestInputTopic<String, Command> commands;
    /** allotment.engine-commands: the engine's own (an order's lines, a group's votes, a shard's transfers). */
    final TestInputTopic<String, Command> engineCommandsIn;
    /** allotment.allocation-events as the tests read it, and the decision log the histories point into. */
    final DecisionTap allocationEvents;
    final TestOutputTopic<StockLevelKey, StockLevel> stockLevels;
    final TestOutputTopic<String, OrderProjection> projections;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    /** What the global stores' loaders sent to the dead letters (they cannot forward: the engine gives them an outlet). */
    final List<Record<byte[], byte[]>> globalDeadLetters = new ArrayList<>();
    /** How far the global stores' loaders have read their topics. */
    final GlobalPositions globals = new GlobalPositions();
    /** The stores the running tasks hold for the edge's reads. */
    final StoreHandles handles = new StoreHandles();

    private TopologyFixture(String applicationId, String guarantee, Instant wallClock, TopologySettings settings)
        throws IOException {
        this(applicationId, guarantee, wallClock, settings, 1, -1);
    }

    /**
     * {@code commandPartitions}: how many partitions the topology is told allotment.commands has (the driver's topics
     * have one): an order's lines on one partition go as one command, and a line found on another partition than its
     * SKU's is sent on. {@code commandsEnd}: where the topology is told allotment.commands ended when the process
     * started (-1: not known), the fence below which the engine's own commands are still taken from it.
     */
    private TopologyFixture(String applicationId, String guarantee, Instant wallClock, TopologySettings settings,
                            int commandPartitions, long commandsEnd) throws IOException {
        stateDir = Files.createTempDirectory("topology-test");
        Properties props = EngineStreamsConfig.defaults(applicationId, "unused:9092", stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        // a null wall clock is the driver's own default: the real time
        driver = new TopologyTestDriver(AllotmentTopology.build(topics, serdes,
            new TopologyHooks(new StoreChanges(), new HomePartitions(Map.of(topics.commands(), commandPartitions,
                topics.engineCommands(), commandPartitions)),
                globalDeadLetters::add, globals, partition -> commandsEnd, handles),
            settings), props, wallClock);
        orders = input(topics.orderEvents(), serdes.value(OrderEvent.class).serializer());
        rawOrders = input(topics.orderEvents(), Serdes.ByteArray().serializer());
        stock = input(topics.stockEvents(), serdes.value(StockEvent.class).serializer());
        locations = input(topics.locationEvents(), serdes.value(LocationEvent.class).serializer());
        commands = input(topics.commands(), serdes.value(Command.class).serializer());
        engineCommandsIn = input(topics.engineCommands(), serdes.value(Command.class).serializer());
        allocationEvents = new DecisionTap(output(topics.allocationEvents(), Serdes.String().deserializer(),
            serdes.value(AllocationEvent.class).deserializer()), topics.allocationEvents(),
            serdes.value(AllocationEvent.class).deserializer());
        stockLevels = output(topics.stockLevels(), serdes.key(StockLevelKey.class).deserializer(),
            serdes.value(StockLevel.class).deserializer());
        projections = output(topics.orderProjections(), Serdes.String().deserializer(),
            serdes.value(OrderProjection.class).deserializer());
        deadLetters = output(topics.deadLetters(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    /**
     * The topology under {@code guarantee}, its wall clock at the real time. {@code applicationId} names the
     * internal topics, such as a store's changelog {@code <applicationId>-<store>-changelog}.
     */
    static TopologyFixture start(String applicationId, String guarantee) throws IOException {
        return new TopologyFixture(applicationId, guarantee, null, TopologySettings.DEFAULTS);
    }

    /** The same under {@code limits} rather than the defaults. */
    static TopologyFixture start(String applicationId, String guarantee, Limits limits) throws IOException {
        return new TopologyFixture(applicationId, guarantee, null, TopologySettings.DEFAULTS.withLimits(limits));
    }

    /** The same with the wall clock at {@code wallClock}; {@code driver.advanceWallClockTime} moves it on. */
    static TopologyFixture start(String applicationId, String guarantee, Instant wallClock) throws IOException {
        return new TopologyFixture(applicationId, guarantee, wallClock, TopologySettings.DEFAULTS);
    }

    /** The same with the wall clock at {@code wallClock} and the engine's settings {@code settings}. */
    static TopologyFixture start(String applicationId, String guarantee, Instant wallClock, TopologySettings settings)
        throws IOException {
        return new TopologyFixture(applicationId, guarantee, wallClock, settings);
    }

    /** The topology told that allotment.commands has {@code partitions} partitions, though the driver has one. */
    static TopologyFixture startWithCommandPartitions(String applicationId, String guarantee, int partitions) throws IOException {
        return new TopologyFixture(applicationId, guarantee, null, TopologySettings.DEFAULTS, partitions, -1);
    }

    /**
     * The topology told that allotment.commands ended at {@code end} when the process started: the records an older
     * release left below it may carry the engine's own commands.
     */
    static TopologyFixture startAfterUpgrade(String applicationId, String guarantee, long end) throws IOException {
        return new TopologyFixture(applicationId, guarantee, null, TopologySettings.DEFAULTS, 1, end);
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            try {
                Utils.delete(stateDir.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + stateDir, e);
            }
        }
    }

    // ---- location-events (the global store keys each event from its payload)

    static LocationUpserted site(String id, LocationKind kind, ConfirmMode mode, Integer confirmTimeoutSeconds,
                                 boolean tracksStock) {
        return new LocationUpserted(id, id, kind, mode, confirmTimeoutSeconds, tracksStock, null);
    }

    /** A warehouse that tracks its stock, without a confirm timeout. */
    static LocationUpserted warehouse(String id, ConfirmMode mode) {
        return site(id, LocationKind.WAREHOUSE, mode, null, true);
    }

    void location(LocationUpserted location) {
        location(location, null);
    }

    void location(LocationUpserted location, Instant timestamp) {
        String id = location.getLocationId();
        pipe(locations, id, new LocationEvent("location-" + id, T0, null, location), timestamp);
    }

    /** The channel's locations, highest rank first. */
    void routing(String channel, List<String> locationIds) {
        routing(channel, locationIds, null);
    }

    void routing(String channel, List<String> locationIds, Instant timestamp) {
        pipe(locations, channel, new LocationEvent("routing-" + channel, T0, null, new RoutingSet(channel, locationIds)),
            timestamp);
    }

    // ---- order-events and stock-events

    /** An order placed at T0, keyed by its id. */
    void place(String orderId, String channel, OrderLine... lines) {
        orders.pipeInput(orderId, placed("placed-" + orderId, orderId, channel, lines));
    }

    static OrderEvent placed(String eventId, String orderId, String channel, OrderLine... lines) {
        return new OrderEvent(eventId, T0, null, OrderPlaced.newBuilder().setOrderId(orderId).setChannel(channel)
            .setPlacedAt(T0).setLines(List.of(lines)).build());
    }

    static OrderEvent cancelled(String eventId, String orderId, Instant at, String reason) {
        return new OrderEvent(eventId, at, null, new OrderCancelled(orderId, reason));
    }

    /** A stock count at T0, keyed by its SKU. */
    void stockSet(String location, String sku, int physical) {
        stock.pipeInput(sku, new StockEvent(UUID.randomUUID().toString(), T0, null, null, new StockSet(sku, location, physical, null)));
    }

    // ---- stores

    <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    OrderProjection order(String orderId) {
        return this.<OrderProjection>store(StoreNames.ORDERS).get(orderId);
    }

    /** The order's history as the engine answers it: its entries' events, read from the decision log they point into. */
    List<AllocationEvent> history(String orderId) {
        List<org.apache.kafka.streams.KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (var it = this.<byte[]>store(StoreNames.ORDER_HISTORY).prefixScan(HistoryKeys.prefix(orderId),
            new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(entries::add);
        }
        OrderProjection order = order(orderId);
        return OrderHistories.read(0, orderId, OrderHistories.entries(orderId, entries, order),
            OrderHistories.reservationSought(order), allocationEvents);
    }

    SkuStock skuStock(String sku) {
        return this.<SkuStock>store(StoreNames.SKU_STOCK).get(sku);
    }

    CommandOutcome outcome(String commandId) {
        return this.<CommandOutcome>store(StoreNames.COMMAND_OUTCOMES).get(commandId);
    }

    /** What the engine sent itself on allotment.engine-commands (read from the first not yet read). */
    TestOutputTopic<String, Command> engineCommands() {
        return output(topics.engineCommands(), Serdes.String().deserializer(), serdes.value(Command.class).deserializer());
    }

    /** Any topic the engine reads, as bytes in and bytes out: for records that are not what the topic should hold. */
    TestInputTopic<byte[], byte[]> raw(String topic) {
        return driver.createInputTopic(topic, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    }

    private <V> TestInputTopic<String, V> input(String topic, Serializer<V> values) {
        return driver.createInputTopic(topic, Serdes.String().serializer(), values);
    }

    private <K, V> TestOutputTopic<K, V> output(String topic, Deserializer<K> keys, Deserializer<V> values) {
        return driver.createOutputTopic(topic, keys, values);
    }

    private static <K, V> void pipe(TestInputTopic<K, V> topic, K key, V value, Instant timestamp) {
        if (timestamp == null) {
            topic.pipeInput(key, value);
        } else {
            topic.pipeInput(key, value, timestamp);
        }
    }
}
