package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationStock;
import dev.allotment.events.OrderLine;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ShardGrant;
import dev.allotment.events.ShardLevel;
import dev.allotment.events.ShardLink;
import dev.allotment.events.ShardRecall;
import dev.allotment.events.ShardWant;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hot SKU split into shards in the topology (docs/design/sku-shards.md): the shard protocol's messages travel as
 * commands on allotment.engine-commands, keyed by the shard they are for, and each shard's stock and lines are its own key's.
 */
class ShardTopologyTest {
    static final String SKU = "HOT";
    static final String AT = "wh-a";
    final ShardPlan plan = new ShardPlan(Map.of(SKU, 3), 1);

    private TopologyFixture start(String guarantee) throws Exception {
        TopologyFixture fixture = TopologyFixture.start("shard-test", guarantee, T0, TopologySettings.DEFAULTS.withShards(plan));
        fixture.location(warehouse(AT, ConfirmMode.DIRECT));
        fixture.routing("web", List.of(AT));
        return fixture;
    }


    /** A fresh order id whose lines of the SKU the plan sends to shard {@code k}. */
    private String orderOn(int k, int from) {
        for (int i = from; ; i++) {
            if (plan.shardOf(SKU, "o-" + i) == k) {
                return "o-" + i;
            }
        }
    }

    /** A line of {@code quantity} of the SKU for {@code orderId}, sent to its shard's key as the order partition will. */
    private void reserve(TopologyFixture fixture, String orderId, int quantity) {
        fixture.engineCommandsIn.pipeInput(plan.keyOf(SKU, orderId), Command.newBuilder().setCommandId("reserve-" + orderId).setIssuedAt(T0)
            .setPrincipal("engine").setOrderId(orderId)
            .setPayload(new ReserveLine("l-1", SKU, quantity, "web", 0, T0, null, "al-" + orderId, false, null)).build());
    }

    private static LineReservation line(TopologyFixture fixture, String orderId) {
        String key = ShardPlan.key(SKU, new ShardPlan(Map.of(SKU, 3), 1).shardOf(SKU, orderId));
        return fixture.<LineReservation>store(StoreNames.LINE_RESERVATIONS).get(BookKeys.line(key, orderId, "l-1"));
    }

    private static LocationStock level(TopologyFixture fixture, int shard) {
        return fixture.skuStock(ShardPlan.key(SKU, shard)).getLocations().get(AT);
    }

    private static int lent(TopologyFixture fixture, int shard) {
        return fixture.skuStock(SKU).getShards().getLinks().stream()
            .filter(l -> l.getShard() == shard && l.getLocationId().equals(AT)).mapToInt(ShardLink::getLent).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aCountAtHomeIsSpreadOverTheShardsByGrantsKeyedByEachShard(String guarantee) throws Exception {
        try (TopologyFixture fixture = start(guarantee)) {
            TestOutputTopic<String, Command> commands = fixture.engineCommands();

            fixture.stockSet(AT, SKU, 9);

            List<KeyValue<String, Command>> sent = commands.readKeyValuesToList().stream()
                .filter(kv -> !(kv.value.getPayload() instanceof ShardLevel)).toList();   // levels: told home at commit
            assertEquals(List.of(KeyValue.pair("HOT#1", new ShardGrant(1, AT, 3)), KeyValue.pair("HOT#2", new ShardGrant(2, AT, 3))),
                sent.stream().map(kv -> KeyValue.pair(kv.key, kv.value.getPayload())).toList());
            assertTrue(sent.stream().allMatch(kv -> kv.value.getOrderId().equals(SKU) && kv.value.getPrincipal().equals("engine")));
            assertEquals(List.of(3, 3, 3), List.of(0, 1, 2).stream().map(k -> level(fixture, k).getPhysical()).toList(),
                "each shard's key holds its share, home kept its own");
            assertEquals(9, level(fixture, 0).getPhysical() + lent(fixture, 1) + lent(fixture, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aShardShortForItsLineWantsAndHomeAnswersWithAGrant(String guarantee) throws Exception {
        try (TopologyFixture fixture = start(guarantee)) {
            fixture.stockSet(AT, SKU, 9);   // 3 at each shard
            TestOutputTopic<String, Command> commands = fixture.engineCommands();
            String order = orderOn(1, 1);

            reserve(fixture, order, 5);

            List<Object> sent = commands.readValuesToList().stream().map(Command::getPayload).toList();
            assertTrue(sent.stream().anyMatch(p -> p instanceof ShardWant w && w.getShard() == 1 && w.getQuantity() == 2),
                "shard 1 wants what its line lacks: " + sent);
            assertTrue(sent.contains(new ShardGrant(1, AT, 2)), "home answers from its free units: " + sent);
            assertEquals(5, line(fixture, order).getAllocatedQuantity());
            assertEquals(5, level(fixture, 1).getPhysical());
            assertEquals(1, level(fixture, 0).getPhysical());
            assertEquals(9, level(fixture, 0).getPhysical() + lent(fixture, 1) + lent(fixture, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void unitsFreedAtOneShardReachAnotherShardsWaitingLineOnTheRebalancingRound(String guarantee) throws Exception {
        try (TopologyFixture fixture = start(guarantee)) {
            fixture.stockSet(AT, SKU, 3);   // 1 at each shard
            String atHome = orderOn(0, 1);
            String atTwo = orderOn(2, 1);
            String firstAtOne = orderOn(1, 1);
            reserve(fixture, atHome, 1);
            reserve(fixture, atTwo, 1);
            reserve(fixture, firstAtOne, 1);
            String secondAtOne = orderOn(1, Integer.parseInt(firstAtOne.substring(2)) + 1);
            reserve(fixture, secondAtOne, 1);
            assertEquals(0, line(fixture, secondAtOne).getAllocatedQuantity(), "no shard has a free unit");

            fixture.engineCommandsIn.pipeInput(ShardPlan.key(SKU, 2), Command.newBuilder().setCommandId("cancel-" + atTwo).setIssuedAt(T0)
                .setPrincipal("engine").setOrderId(atTwo).setPayload(new ReleaseOrder("cancelled")).build());
            assertEquals(0, line(fixture, secondAtOne).getAllocatedQuantity(), "the unit freed at shard 2 stays there until a round");
            TestOutputTopic<String, Command> commands = fixture.engineCommands();

            fixture.driver.advanceWallClockTime(ShardCourier.REBALANCE_INTERVAL.plus(Duration.ofMillis(1)));

            List<Object> sent = commands.readValuesToList().stream().map(Command::getPayload).toList();
            assertTrue(sent.stream().anyMatch(p -> p instanceof ShardRecall r && r.getShard() == 2), "home recalls from shard 2: " + sent);
            assertEquals(1, line(fixture, secondAtOne).getAllocatedQuantity(), "and grants it on to shard 1's waiting line");
            assertEquals(3, level(fixture, 0).getPhysical() + lent(fixture, 1) + lent(fixture, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrdersLinesOfAShardedSkuAreDecidedOnItsShardAndItsCancellationReachesThem(String guarantee) throws Exception {
        try (TopologyFixture fixture = start(guarantee)) {
            fixture.stockSet(AT, SKU, 9);   // 3 at each shard
            String order = orderOn(2, 1);
            TestOutputTopic<String, Command> commands = fixture.engineCommands();
            commands.readValuesToList();   // the count's grants

            fixture.place(order, "web", new OrderLine("l-1", SKU, 2));

            assertEquals(List.of("HOT#2"), commands.readKeyValuesToList().stream()
                .filter(kv -> !(kv.value.getPayload() instanceof ShardLevel)).map(kv -> kv.key).distinct().toList(),
                "the line goes to the shard its order id hashes to");
            assertEquals(2, line(fixture, order).getAllocatedQuantity());
            assertEquals(2, level(fixture, 2).getAllocated());
            assertEquals(0, level(fixture, 0).getAllocated());

            fixture.orders.pipeInput(order, TopologyFixture.cancelled("cancel-" + order, order, T0, "customer"));

            assertEquals(List.of("HOT#2"), commands.readKeyValuesToList().stream()
                .filter(kv -> !(kv.value.getPayload() instanceof ShardLevel)).map(kv -> kv.key).distinct().toList(),
                "the release goes where the line is");
            assertEquals(0, level(fixture, 2).getAllocated(), "the cancellation released the shard's units");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aShardsDecisionsNameTheSkuNotTheShard(String guarantee) throws Exception {
        try (TopologyFixture fixture = start(guarantee)) {
            fixture.stockSet(AT, SKU, 9);
            String order = orderOn(1, 1);
            fixture.allocationEvents.readValuesToList();

            fixture.place(order, "web", new OrderLine("l-1", SKU, 2));

            String log = fixture.allocationEvents.readValuesToList().toString();
            assertTrue(log.contains("\"sku\": \"HOT\""), log);
            assertTrue(!log.contains("HOT#"), "no decision names a shard: " + log);
            assertEquals(List.of(SKU), fixture.order(order).getLines().stream().map(l -> l.getSku()).toList());
            assertTrue(!fixture.order(order).toString().contains("HOT#"), fixture.order(order).toString());
            assertEquals("HOT#1", line(fixture, order).getSku(), "the shard's books keep its key");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theStockLevelsFeedShowsTheSkusTotalsOverItsShardsAndNoShard(String guarantee) throws Exception {
        try (TopologyFixture fixture = start(guarantee)) {
            fixture.stockSet(AT, SKU, 9);
            fixture.place(orderOn(1, 1), "web", new OrderLine("l-1", SKU, 2));
            fixture.place(orderOn(2, 1), "web", new OrderLine("l-1", SKU, 1));

            Map<String, dev.allotment.events.StockLevel> latest = new java.util.LinkedHashMap<>();
            fixture.stockLevels.readKeyValuesToList().forEach(kv -> latest.put(kv.key.getSku() + "@" + kv.key.getLocationId(), kv.value));
            assertEquals(List.of(SKU + "@" + AT), List.copyOf(latest.keySet()), "one record per SKU and location, no shard");
            dev.allotment.events.StockLevel level = latest.get(SKU + "@" + AT);
            assertEquals(9, level.getPhysical());
            assertEquals(3, level.getAllocated(), "what the shards allocate, as they told home");
            assertEquals(6, level.getAvailable());
        }
    }
}
