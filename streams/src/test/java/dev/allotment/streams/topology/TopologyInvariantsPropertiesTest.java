package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineProjection;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationStock;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockSet;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.streams.order.OrderReplay;
import dev.allotment.schemas.Topics;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * DESIGN §4 invariants through the whole topology (TopologyTestDriver), under at-least-once and
 * exactly-once: random sequences of stock events, orders, commands and cancellations go in as records;
 * afterwards no location is oversold, every line's allocations add up, each location's allocated is the
 * sum of its open allocations, and every order's projection (folded from the log) agrees with its lines'
 * reservations on their SKUs' partitions.
 */
class TopologyInvariantsPropertiesTest {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final List<String> SKUS = List.of("S1", "S2", "S3");
    static final List<String> LOCATIONS = List.of("wh-a", "wh-b", "sup-c");
    static final AtomicLong RECORDS = new AtomicLong();

    /** One input record of a scenario. */
    record Step(int kind, int order, String sku, String loc, int n) {}

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.frequency(
                Tuple.of(3, 0), Tuple.of(2, 1), Tuple.of(5, 2), Tuple.of(4, 3), Tuple.of(1, 4), Tuple.of(1, 5), Tuple.of(1, 6)),
            Arbitraries.integers().between(1, 15), Arbitraries.of(SKUS), Arbitraries.of(LOCATIONS),
            Arbitraries.integers().between(-4, 12)).as(Step::new);
        return step.list().ofMinSize(20).ofMaxSize(80);
    }

    @Property(tries = 60)
    void atLeastOnce(@ForAll("scenarios") List<Step> steps) throws Exception {
        run(steps, StreamsConfig.AT_LEAST_ONCE);
    }

    @Property(tries = 60)
    void exactlyOnce(@ForAll("scenarios") List<Step> steps) throws Exception {
        run(steps, StreamsConfig.EXACTLY_ONCE_V2);
    }

    void run(List<Step> steps, String guarantee) throws Exception {
        Topics topics = Topics.defaults();
        InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
        Properties props = EngineStreamsConfig.defaults("invariants", "unused:9092", Files.createTempDirectory("inv").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        try (TopologyTestDriver driver = new TopologyTestDriver(AllotmentTopology.build(topics, serdes), props)) {
            TestInputTopic<String, LocationEvent> locations = driver.createInputTopic(topics.locationEvents(),
                Serdes.String().serializer(), serdes.value(LocationEvent.class).serializer());
            TestInputTopic<String, OrderEvent> orders = driver.createInputTopic(topics.orderEvents(),
                Serdes.String().serializer(), serdes.value(OrderEvent.class).serializer());
            TestInputTopic<String, StockEvent> stock = driver.createInputTopic(topics.stockEvents(),
                Serdes.String().serializer(), serdes.value(StockEvent.class).serializer());
            TestInputTopic<String, Command> commands = driver.createInputTopic(topics.commands(),
                Serdes.String().serializer(), serdes.value(Command.class).serializer());
            for (String loc : LOCATIONS) {
                locations.pipeInput(loc, new LocationEvent("loc-" + loc, T0, null, new LocationUpserted(loc, loc,
                    LocationKind.WAREHOUSE, loc.startsWith("sup") ? ConfirmMode.CONFIRM : ConfirmMode.DIRECT, null, true, null)));
            }
            locations.pipeInput("web", new LocationEvent("r-web", T0, null, new RoutingSet("web", List.of("sup-c", "wh-a", "wh-b"))));
            int i = 0;
            for (Step s : steps) {
                i++;
                Instant at = T0.plusSeconds(i);
                String orderId = "o-" + s.order();
                switch (s.kind()) {
                    case 0 -> stock.pipeInput(s.sku(), new StockEvent("s" + i, at, null, new StockSet(s.sku(), s.loc(), Math.max(0, s.n()), null)));
                    case 1 -> stock.pipeInput(s.sku(), new StockEvent("s" + i, at, null, new StockAdjusted(s.sku(), s.loc(), s.n(), "test")));
                    case 2 -> orders.pipeInput(orderId, new OrderEvent("p" + i, at, null, OrderPlaced.newBuilder().setOrderId(orderId)
                        .setChannel(s.order() % 3 == 0 ? "manual" : "web").setPriority(s.order() % 2).setPlacedAt(at)
                        .setLines(List.of(new OrderLine("l-1", s.sku(), Math.max(1, Math.abs(s.n()))),
                            new OrderLine("l-2", SKUS.get((SKUS.indexOf(s.sku()) + 1) % 3), 2))).build()));
                    case 3 -> commands.pipeInput(s.sku(), new Command("c" + i, at, "test", orderId,
                        new AllocateLines(s.loc(), List.of(new LineQuantity(null, s.sku(), Math.max(1, Math.abs(s.n()) % 4))), "al-c" + i)));
                    case 4 -> {
                        String commandId = "c" + i;
                        firstOpenAllocation(driver, s.sku(), orderId).ifPresent(id -> commands.pipeInput(s.sku(),
                            new Command(commandId, at, "test", orderId, new UpdateAllocation(id, null, at))));
                    }
                    case 5 -> commands.pipeInput(s.sku(), new Command("c" + i, at, "test", orderId, new DeleteAllocations()));
                    default -> orders.pipeInput(orderId, new OrderEvent("x" + i, at, null, new OrderCancelled(orderId, "test")));
                }
                RECORDS.incrementAndGet();
            }
            check(driver);
        }
    }

    static java.util.Optional<String> firstOpenAllocation(TopologyTestDriver driver, String sku, String orderId) {
        KeyValueStore<String, LineReservation> lines = driver.getKeyValueStore(StoreNames.LINE_RESERVATIONS);
        try (KeyValueIterator<String, LineReservation> it = lines.all()) {
            while (it.hasNext()) {
                LineReservation l = it.next().value;
                if (l.getSku().equals(sku) && l.getOrderId().equals(orderId)) {
                    for (LineAllocation p : l.getAllocations()) {
                        if (p.getStatus().equals("allocated")) {
                            return java.util.Optional.of(p.getAllocationId());
                        }
                    }
                }
            }
        }
        return java.util.Optional.empty();
    }

    static void check(TopologyTestDriver driver) {
        Map<String, Integer> open = new HashMap<>();
        Map<String, Integer> allocatedByLine = new HashMap<>();
        KeyValueStore<String, LineReservation> lines = driver.getKeyValueStore(StoreNames.LINE_RESERVATIONS);
        try (KeyValueIterator<String, LineReservation> it = lines.all()) {
            while (it.hasNext()) {
                LineReservation l = it.next().value;
                int sum = 0;
                for (LineAllocation p : l.getAllocations()) {
                    sum += p.getQuantity();
                    if (p.getStatus().equals("allocated")) {
                        open.merge(l.getSku() + "@" + p.getLocationId(), p.getQuantity(), Integer::sum);
                    }
                }
                assertTrue(l.getAllocatedQuantity() <= l.getQuantity(), "line over-allocated: " + l);
                assertEquals(sum, l.getAllocatedQuantity(), "allocations do not add up: " + l);
                allocatedByLine.put(l.getOrderId() + "/" + l.getLineId(), l.getAllocatedQuantity());
            }
        }
        KeyValueStore<String, SkuStock> stock = driver.getKeyValueStore(StoreNames.SKU_STOCK);
        try (KeyValueIterator<String, SkuStock> it = stock.all()) {
            while (it.hasNext()) {
                KeyValue<String, SkuStock> kv = it.next();
                for (Map.Entry<String, LocationStock> e : kv.value.getLocations().entrySet()) {
                    String key = kv.key + "@" + e.getKey();
                    assertTrue(e.getValue().getAllocated() >= 0 && e.getValue().getAllocated() <= e.getValue().getPhysical(),
                        "OVERSELL at " + key + ": " + e.getValue());
                    assertEquals(open.getOrDefault(key, 0), e.getValue().getAllocated(), "allocated at " + key);
                }
            }
        }
        KeyValueStore<String, OrderProjection> orders = driver.getKeyValueStore(StoreNames.ORDERS);
        try (KeyValueIterator<String, OrderProjection> it = orders.all()) {
            while (it.hasNext()) {
                OrderProjection o = it.next().value;
                for (LineProjection l : o.getLines()) {
                    assertEquals(allocatedByLine.getOrDefault(o.getOrderId() + "/" + l.getLineId(), 0), l.getAllocatedQuantity(),
                        "projection of " + o.getOrderId() + " line " + l.getLineId() + " disagrees with its SKU partition");
                }
                // compared as text: Avro's equals cannot compare nullable timestamps (AVRO union resolution of Instant)
                assertEquals(o.toString(), String.valueOf(OrderReplay.replay(o.getOrderId(), history(driver, o.getOrderId()), null).orElse(null)),
                    "the projection rebuilt from the log differs from the live one for " + o.getOrderId());
            }
        }
    }

    static List<dev.allotment.events.AllocationEvent> history(TopologyTestDriver driver, String orderId) {
        KeyValueStore<String, dev.allotment.events.AllocationEvent> store = driver.getKeyValueStore(StoreNames.ORDER_HISTORY);
        List<dev.allotment.events.AllocationEvent> events = new java.util.ArrayList<>();
        try (KeyValueIterator<String, dev.allotment.events.AllocationEvent> it =
                 store.prefixScan(OrderFoldProcessor.historyPrefix(orderId), new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> events.add(kv.value));
        }
        return events;
    }

    @AfterContainer
    static void report() {
        System.out.println("TopologyInvariantsPropertiesTest: " + RECORDS.get() + " records piped");
    }
}
