package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.CommandRejected;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.events.StockSet;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.StoreNames;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Allocation through the real topology: auto, split, backorder fill, manual, idempotency, completion, cancellation. */
class AllocationTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private final Topics topics = Topics.defaults();
    private final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderEvent> orders;
    private TestInputTopic<String, StockEvent> stock;
    private TestInputTopic<String, LocationEvent> locations;
    private TestInputTopic<String, Command> commands;
    private TestOutputTopic<String, AllocationEvent> log;
    private TestOutputTopic<StockLevelKey, StockLevel> levels;

    void start(String guarantee) throws Exception {
        Properties props = EngineStreamsConfig.defaults("allotment-test", "unused:9092",
            Files.createTempDirectory("tt-state").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        driver = new TopologyTestDriver(AllotmentTopology.build(topics, serdes), props);
        orders = driver.createInputTopic(topics.orderEvents(), Serdes.String().serializer(), serdes.value(OrderEvent.class).serializer());
        stock = driver.createInputTopic(topics.stockEvents(), Serdes.String().serializer(), serdes.value(StockEvent.class).serializer());
        locations = driver.createInputTopic(topics.locationEvents(), Serdes.String().serializer(), serdes.value(LocationEvent.class).serializer());
        commands = driver.createInputTopic(topics.commands(), Serdes.String().serializer(), serdes.value(Command.class).serializer());
        log = driver.createOutputTopic(topics.allocationEvents(), Serdes.String().deserializer(), serdes.value(AllocationEvent.class).deserializer());
        levels = driver.createOutputTopic(topics.stockLevels(), serdes.key(StockLevelKey.class).deserializer(), serdes.value(StockLevel.class).deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    void location(String id, boolean direct) {
        locations.pipeInput("location:" + id, new LocationEvent(UUID.randomUUID().toString(), T0, null,
            new LocationUpserted(id, id, LocationKind.WAREHOUSE, direct ? ConfirmMode.DIRECT : ConfirmMode.CONFIRM, null, true, null)));
    }

    void routing(String channel, String... ids) {
        locations.pipeInput("channel:" + channel, new LocationEvent(UUID.randomUUID().toString(), T0, null,
            new RoutingSet(channel, List.of(ids))));
    }

    void stockSet(String loc, String sku, int physical) {
        stock.pipeInput(sku, new StockEvent(UUID.randomUUID().toString(), T0, null, new StockSet(sku, loc, physical, null)));
    }

    void place(String orderId, String channel, int priority, OrderLine... lines) {
        orders.pipeInput(orderId, new OrderEvent("placed-" + orderId, T0, null,
            OrderPlaced.newBuilder().setOrderId(orderId).setChannel(channel).setPriority(priority)
                .setPlacedAt(T0).setLines(List.of(lines)).build()));
    }

    Command allocate(String commandId, String orderId, String loc, String sku, int q) {
        return new Command(commandId, T0, "test", orderId,
            new AllocateLines(loc, List.of(new LineQuantity(null, sku, q)), "al-" + commandId));
    }

    OrderProjection order(String id) {
        return driver.<String, OrderProjection>getKeyValueStore(StoreNames.ORDERS).get(id);
    }

    SkuStock stockOf(String sku) {
        return driver.<String, SkuStock>getKeyValueStore(StoreNames.SKU_STOCK).get(sku);
    }

    /** The processors keep decoded routings and sites; a change to either must reach the very next order. */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aRoutingOrSiteChangeReachesTheNextOrder(String guarantee) throws Exception {
        start(guarantee);
        location("wh-a", true);
        location("wh-b", true);
        routing("web", "wh-a", "wh-b");
        stockSet("wh-a", "S1", 10);
        stockSet("wh-b", "S1", 10);
        place("o-1", "web", 0, new OrderLine("l-1", "S1", 1));
        assertEquals("wh-a", order("o-1").getAllocations().get(0).getLocationId());

        routing("web", "wh-b", "wh-a");
        place("o-2", "web", 0, new OrderLine("l-1", "S1", 1));
        assertEquals("wh-b", order("o-2").getAllocations().get(0).getLocationId(), "the new routing's first location");

        location("wh-b", false);
        place("o-3", "web", 0, new OrderLine("l-1", "S1", 1));
        assertEquals("wh-a", order("o-3").getAllocations().get(0).getLocationId(),
            "wh-b now confirms, and direct locations come first: a stale wh-b would have taken it");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void onlyALineThatWaitedWritesTheWaitingQueuesChangelog(String guarantee) throws Exception {
        start(guarantee);
        location("wh-a", true);
        routing("web", "wh-a");
        stockSet("wh-a", "S1", 1);
        TestOutputTopic<String, String> changelog = driver.createOutputTopic(
            "allotment-test-" + StoreNames.WAITING + "-changelog", Serdes.String().deserializer(), Serdes.String().deserializer());
        place("o-1", "web", 0, new OrderLine("l-1", "S1", 1));
        assertEquals(OrderStatus.ALLOCATED, order("o-1").getStatus());
        assertTrue(changelog.isEmpty(), "a line allocated at once never waited: no tombstone to restore later");

        place("o-2", "web", 0, new OrderLine("l-1", "S1", 1));
        stockSet("wh-a", "S1", 2);
        List<org.apache.kafka.streams.test.TestRecord<String, String>> records = changelog.readRecordsToList();
        assertEquals(2, records.size(), "the wait, then its end: " + records);
        assertEquals(null, records.get(1).value());
        assertEquals(OrderStatus.ALLOCATED, order("o-2").getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrderOnARoutedChannelIsAllocatedWholeAtTheFirstLocationThatCanFillIt(String guarantee) throws Exception {
        start(guarantee);
        location("wh-a", true);
        location("wh-b", true);
        routing("web", "wh-a", "wh-b");
        stockSet("wh-a", "S1", 10);
        stockSet("wh-b", "S1", 10);
        stockSet("wh-b", "S2", 10);
        place("o-1", "web", 0, new OrderLine("l-1", "S1", 2), new OrderLine("l-2", "S2", 3));

        OrderProjection o = order("o-1");
        assertEquals(OrderStatus.ALLOCATED, o.getStatus());
        assertTrue(o.getAllocations().stream().allMatch(a -> a.getLocationId().equals("wh-b")),
            "wh-a lacks S2, so the whole order goes to wh-b: " + o.getAllocations());
        assertEquals(2, stockOf("S1").getLocations().get("wh-b").getAllocated());
        assertEquals(0, stockOf("S1").getLocations().get("wh-a").getAllocated());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void whatNoLocationCanFillIsSplitThenWaitsAndIsFilledFirstComeFirstServed(String guarantee) throws Exception {
        start(guarantee);
        location("wh-a", true);
        location("wh-b", true);
        routing("web", "wh-a", "wh-b");
        stockSet("wh-a", "S1", 3);
        stockSet("wh-b", "S1", 2);
        place("o-1", "web", 0, new OrderLine("l-1", "S1", 7));
        place("o-2", "web", 0, new OrderLine("l-1", "S1", 1));

        OrderProjection first = order("o-1");
        assertEquals(OrderStatus.PARTIALLY_ALLOCATED, first.getStatus());
        assertEquals(5, first.getLines().get(0).getAllocatedQuantity());
        assertEquals(2, first.getLines().get(0).getBackorderedQuantity());
        assertEquals(2, first.getAllocations().size(), "split across wh-a and wh-b");

        stock.pipeInput("S1", new StockEvent("receipt", T0, null, new StockAdjusted("S1", "wh-a", 2, "receipt")));
        assertEquals(OrderStatus.ALLOCATED, order("o-1").getStatus(), "the older order is served first");
        assertEquals(OrderStatus.RESERVED, order("o-2").getStatus());
        stock.pipeInput("S1", new StockEvent("receipt-2", T0, null, new StockAdjusted("S1", "wh-b", 1, "receipt")));
        assertEquals(OrderStatus.ALLOCATED, order("o-2").getStatus());
        assertEquals(0, stockOf("S1").getLocations().values().stream().mapToInt(s -> s.getPhysical() - s.getAllocated()).sum());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void manualAllocationIsRefusedBeyondStockAndARepeatedCommandChangesNothing(String guarantee) throws Exception {
        start(guarantee);
        location("wh-a", true);
        stockSet("wh-a", "HOT", 1);
        place("o-1", "manual", 0, new OrderLine("l-1", "HOT", 1));
        place("o-2", "manual", 0, new OrderLine("l-1", "HOT", 1));
        log.readRecordsToList();

        commands.pipeInput("HOT", allocate("c-1", "o-1", "wh-a", "HOT", 1));
        commands.pipeInput("HOT", allocate("c-1", "o-1", "wh-a", "HOT", 1));
        commands.pipeInput("HOT", allocate("c-2", "o-2", "wh-a", "HOT", 1));

        List<AllocationEvent> decided = log.readValuesToList();
        assertEquals(1, decided.stream().filter(e -> e.getPayload() instanceof AllocationRequested).count());
        CommandRejected rejected = assertInstanceOf(CommandRejected.class, decided.get(decided.size() - 1).getPayload());
        assertEquals("insufficient_stock", rejected.getCode());
        KeyValueStore<String, CommandOutcome> outcomes = driver.getKeyValueStore(StoreNames.COMMAND_OUTCOMES);
        assertTrue(outcomes.get("c-1").getAccepted());
        assertFalse(outcomes.get("c-2").getAccepted());
        assertEquals(1, stockOf("HOT").getLocations().get("wh-a").getAllocated());
        assertEquals(1, order("o-1").getLines().get(0).getAllocatedQuantity());
        StockLevel last = levels.readValuesToList().stream().reduce((a, b) -> b).orElseThrow();
        assertEquals(0, last.getAvailable());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void completionDropsPhysicalAndAllocatedAndCancellationReleasesToWaitingDemand(String guarantee) throws Exception {
        start(guarantee);
        location("wh-a", true);
        routing("web", "wh-a");
        stockSet("wh-a", "S1", 4);
        place("o-1", "web", 0, new OrderLine("l-1", "S1", 2));
        place("o-2", "web", 0, new OrderLine("l-1", "S1", 2));
        place("o-3", "web", 0, new OrderLine("l-1", "S1", 2));
        assertEquals(OrderStatus.RESERVED, order("o-3").getStatus());

        String allocationId = order("o-1").getAllocations().get(0).getAllocationId();
        commands.pipeInput("S1", new Command("complete-1", T0, "test", "o-1",
            new UpdateAllocation(allocationId, null, T0.plusSeconds(60))));
        assertEquals(OrderStatus.COMPLETED, order("o-1").getStatus());
        assertEquals(2, stockOf("S1").getLocations().get("wh-a").getPhysical());
        assertEquals(2, stockOf("S1").getLocations().get("wh-a").getAllocated());

        orders.pipeInput("o-2", new OrderEvent("cancel-o-2", T0, null, new OrderCancelled("o-2", "customer")));
        assertEquals(OrderStatus.CANCELLED, order("o-2").getStatus());
        assertEquals(0, order("o-2").getLines().get(0).getAllocatedQuantity());
        assertEquals(OrderStatus.ALLOCATED, order("o-3").getStatus(), "released stock went to the waiting order");
        assertEquals(2, stockOf("S1").getLocations().get("wh-a").getAllocated());
    }
}
