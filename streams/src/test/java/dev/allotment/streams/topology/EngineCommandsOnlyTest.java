package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.LineReservation;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ShardGrant;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.state.IndexKeys;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetters;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's own commands (an order's lines, a group's votes, a shard's transfers) skip the rules a platform's
 * command is held to, so the SKU tasks take them from allotment.engine-commands only: on allotment.commands, which a
 * platform may write, one past the fence (where that topic ended when this release first started) is a dead letter and
 * changes nothing.
 */
class EngineCommandsOnlyTest {
    static final String AT = "wh-a";

    private static Command reserve(String commandId, String orderId, String sku) {
        return Command.newBuilder().setCommandId(commandId).setIssuedAt(T0).setPrincipal(CommandOutcomes.ENGINE).setOrderId(orderId)
            .setPayload(new ReserveLine("l-1", sku, 2, "web", 0, T0, null, "al-" + orderId, false, null)).build();
    }

    private static void stocked(TopologyFixture fixture, String sku, int units) {
        fixture.location(warehouse(AT, ConfirmMode.DIRECT));
        fixture.routing("web", List.of(AT));
        fixture.stockSet(AT, sku, units);
    }

    private static LineReservation line(TopologyFixture fixture, String sku, String orderId) {
        return fixture.<LineReservation>store(StoreNames.LINE_RESERVATIONS).get(BookKeys.line(sku, orderId, "l-1"));
    }

    /** The dead letters' reasons that say a record was the engine's own (the fold's letters about unknown orders aside). */
    static List<String> refusedAsEngineOwn(TopologyFixture fixture) {
        return fixture.deadLetters.readRecordsToList().stream().map(EngineCommandsOnlyTest::reason)
            .filter(r -> r.contains("is the engine's own command")).toList();
    }

    private static String reason(TestRecord<byte[], byte[]> letter) {
        return DeadLetters.header(letter.headers(), DeadLetters.REASON);
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aForgedShardGrantOnThePlatformsTopicAddsNoUnitsToAShard(String guarantee) throws Exception {
        ShardPlan plan = new ShardPlan(Map.of("HOT", 3), 1);
        try (TopologyFixture fixture = TopologyFixture.start("forged-grant-test", guarantee, T0,
                TopologySettings.DEFAULTS.withShards(plan))) {
            stocked(fixture, "HOT", 9);   // 3 at home and at each shard
            fixture.deadLetters.readRecordsToList();

            fixture.commands.pipeInput("HOT#1", Command.newBuilder().setCommandId("forged").setIssuedAt(T0).setPrincipal("engine")
                .setOrderId("HOT").setPayload(new ShardGrant(1, AT, 100)).build());

            assertEquals(3, fixture.skuStock("HOT#1").getLocations().get(AT).getPhysical(), "the shard gained nothing");
            TestRecord<byte[], byte[]> letter = fixture.deadLetters.readRecord();
            assertTrue(reason(letter).startsWith("unsupported: ShardGrant is the engine's own command"), reason(letter));
            assertTrue(reason(letter).contains(fixture.topics.engineCommands()), reason(letter));
            assertTrue(fixture.deadLetters.isEmpty());

            fixture.engineCommandsIn.pipeInput("HOT#1", Command.newBuilder().setCommandId("grant").setIssuedAt(T0).setPrincipal("engine")
                .setOrderId("HOT").setPayload(new ShardGrant(1, AT, 1)).build());
            assertEquals(4, fixture.skuStock("HOT#1").getLocations().get(AT).getPhysical(), "the engine's own topic is applied");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aForgedLineChangesNothingAndTheEnginesOwnCommandOfThatIdIsStillDecided(String guarantee) throws Exception {
        try (TopologyFixture fixture = TopologyFixture.start("forged-line-test", guarantee)) {
            stocked(fixture, "S1", 5);

            fixture.commands.pipeInput("S1", reserve("o-1:reserve:l-1", "o-1", "S1"));

            assertEquals(0, fixture.skuStock("S1").getLocations().get(AT).getAllocated(), "nothing reserved");
            assertNull(line(fixture, "S1", "o-1"), "no line kept");
            assertEquals(1, refusedAsEngineOwn(fixture).size());

            fixture.engineCommandsIn.pipeInput("S1", reserve("o-1:reserve:l-1", "o-1", "S1"));
            assertEquals(2, fixture.skuStock("S1").getLocations().get(AT).getAllocated(), "the engine's own line is decided");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOlderReleasesLineBelowTheFenceIsDecidedAndOnePastItIsNot(String guarantee) throws Exception {
        // allotment.commands held one record when this release first started: offset 0 is an older release's
        try (TopologyFixture fixture = TopologyFixture.startAfterUpgrade("fence-test", guarantee, 1)) {
            stocked(fixture, "S1", 5);

            fixture.commands.pipeInput("S1", reserve("old:reserve:l-1", "o-old", "S1"));    // offset 0
            fixture.commands.pipeInput("S1", reserve("new:reserve:l-1", "o-new", "S1"));    // offset 1

            assertEquals(2, fixture.skuStock("S1").getLocations().get(AT).getAllocated(), "the older release's line only");
            assertEquals(2, line(fixture, "S1", "o-old").getAllocatedQuantity());
            assertNull(line(fixture, "S1", "o-new"));
            assertEquals("1", fixture.<String>store(StoreNames.STOCK_INDEX).get(IndexKeys.COMMANDS_FENCE), "the fence, kept");
            List<String> refused = refusedAsEngineOwn(fixture);
            assertEquals(1, refused.size(), refused.toString());
            assertTrue(refused.get(0).startsWith("unsupported: ReserveLine"), refused.get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aTaskWithNoRecordKeepsItsFenceWithinASecondOfItsStart(String guarantee) throws Exception {
        // a partition idle across the upgrade: its fence must not wait for a record, or a later start (a crash, a
        // second instance taking the task) would read a later end and take what was forged in between
        try (TopologyFixture fixture = TopologyFixture.startAfterUpgrade("idle-fence-test", guarantee, 7)) {
            assertNull(fixture.<String>store(StoreNames.STOCK_INDEX).get(IndexKeys.COMMANDS_FENCE), "nothing kept before");
            fixture.driver.advanceWallClockTime(SkuProcessor.EXPIRY_INTERVAL);
            assertEquals("7", fixture.<String>store(StoreNames.STOCK_INDEX).get(IndexKeys.COMMANDS_FENCE),
                "the fence, kept at the task's first punctuation, without a record");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aPlatformsCommandPastTheFenceIsDecidedAsAlways(String guarantee) throws Exception {
        try (TopologyFixture fixture = TopologyFixture.start("platform-command-test", guarantee)) {
            stocked(fixture, "S1", 5);

            fixture.commands.pipeInput("S1", Command.newBuilder().setCommandId("manual-1").setIssuedAt(T0).setPrincipal("ops-1")
                .setOrderId("o-1").setPayload(new AllocateLines(AT, List.of(new LineQuantity("l-1", "S1", 3)), "al-m1")).build());

            assertEquals(List.of(), refusedAsEngineOwn(fixture));
            assertTrue(fixture.outcome("manual-1") != null, "the platform's command has its outcome");
            assertEquals("0", fixture.<String>store(StoreNames.STOCK_INDEX).get(IndexKeys.COMMANDS_FENCE),
                "an end not known fences at 0");
        }
    }
}
