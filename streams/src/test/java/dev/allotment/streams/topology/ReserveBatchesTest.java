package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineToReserve;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ReserveLines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/**
 * An order's lines travel to their SKUs' partitions as one command per partition ({@link ReserveBatches}), and each is
 * decided there as if it had come alone.
 */
class ReserveBatchesTest {
    private static LineToReserve line(String lineId, String sku) {
        return new LineToReserve("e-1:reserve:" + lineId, new ReserveLine(lineId, sku, 1, "web", 0, T0, null, "al-1", false, null));
    }

    /** Five of each SKU at wh-a, the one location of channel web. */
    private static void stocked(TopologyFixture fixture, String... skus) {
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-a"));
        for (String sku : skus) {
            fixture.stockSet("wh-a", sku, 5);
        }
    }

    private static List<String> lineIds(List<LineToReserve> batch) {
        return batch.stream().map(l -> l.getReserve().getLineId()).toList();
    }

    @Test
    void linesGoTogetherByPartitionInTheOrderOfTheirFirstLineAndKeepTheirOrder() {
        Map<String, Integer> partition = Map.of("A", 1, "B", 0, "C", 1, "D", 2);
        List<List<LineToReserve>> batches = ReserveBatches.byPartition(
            List.of(line("l-1", "A"), line("l-2", "B"), line("l-3", "C"), line("l-4", "D"), line("l-5", "A")), partition::get);

        assertEquals(List.of(List.of("l-1", "l-3", "l-5"), List.of("l-2"), List.of("l-4")), batches.stream().map(ReserveBatchesTest::lineIds).toList());
    }

    @Test
    void aLineWhosePartitionIsUnknownGoesAlone() {
        List<List<LineToReserve>> batches = ReserveBatches.byPartition(List.of(line("l-1", "A"), line("l-2", "A")), sku -> -1);

        assertEquals(List.of(List.of("l-1"), List.of("l-2")), batches.stream().map(ReserveBatchesTest::lineIds).toList());
    }

    @Test
    void anOrdersLinesOnOnePartitionAreOneCommandAndEachIsDecidedUnderItsOwnId() throws Exception {
        try (TopologyFixture fixture = TopologyFixture.start("batch-test", StreamsConfig.EXACTLY_ONCE_V2)) {
            TestOutputTopic<String, Command> commands = fixture.engineCommands();
            stocked(fixture, "S1", "S2", "S3");

            fixture.place("o-1", "web", new OrderLine("l-1", "S1", 1), new OrderLine("l-2", "S2", 2), new OrderLine("l-3", "S3", 3));

            List<Command> sent = commands.readValuesToList();
            assertEquals(1, sent.size(), "one partition, one command: " + sent);
            ReserveLines batch = assertInstanceOf(ReserveLines.class, sent.get(0).getPayload());
            assertEquals(List.of("l-1", "l-2", "l-3"), lineIds(batch.getLines()));
            assertEquals(OrderStatus.ALLOCATED, fixture.order("o-1").getStatus());
            assertEquals(List.of(1, 2, 3), List.of("S1", "S2", "S3").stream()
                .map(sku -> fixture.skuStock(sku).getLocations().get("wh-a").getAllocated()).toList());
            List<String> causes = new ArrayList<>();
            fixture.allocationEvents.readValuesToList().forEach(e -> {
                if (e.getCommandId() != null && e.getCommandId().contains(":reserve:")) {
                    causes.add(e.getCommandId().substring(e.getCommandId().lastIndexOf(':') + 1));
                }
            });
            assertEquals(List.of("l-1", "l-2", "l-3"), causes, "each line's decision names the line's own command");
        }
    }

    /**
     * The topology is told of two partitions, the driver has one: the order side splits the lines by the two, and the
     * SKU side, finding on partition 0 the batch meant for partition 1, sends its lines on one by one. Each line is
     * still decided once.
     */
    @Test
    void aBatchFoundAwayFromItsLinesHomeIsSentOnLineByLineAndEachLineIsDecidedOnce() throws Exception {
        List<String> atOne = IntStream.rangeClosed(1, 40).mapToObj(i -> "S" + i)
            .filter(sku -> HomePartitions.of(sku.getBytes(StandardCharsets.UTF_8), 2) == 1).limit(2).toList();
        String atZero = IntStream.rangeClosed(1, 40).mapToObj(i -> "S" + i)
            .filter(sku -> HomePartitions.of(sku.getBytes(StandardCharsets.UTF_8), 2) == 0).findFirst().orElseThrow();
        try (TopologyFixture fixture = TopologyFixture.startWithCommandPartitions("batch-away-test", StreamsConfig.EXACTLY_ONCE_V2, 2)) {
            TestOutputTopic<String, Command> commands = fixture.engineCommands();
            stocked(fixture, atOne.get(0), atOne.get(1), atZero);

            fixture.place("o-1", "web", new OrderLine("l-1", atOne.get(0), 1), new OrderLine("l-2", atZero, 1),
                new OrderLine("l-3", atOne.get(1), 1));

            List<Command> sent = commands.readValuesToList();
            assertEquals(4, sent.size(), "the batch of partition 1, the line of partition 0, then the two sent on: " + sent);
            assertEquals(List.of("l-1", "l-3"), lineIds(assertInstanceOf(ReserveLines.class, sent.get(0).getPayload()).getLines()));
            assertTrue(sent.subList(1, 4).stream().allMatch(c -> c.getPayload() instanceof ReserveLine));
            assertEquals(OrderStatus.ALLOCATED, fixture.order("o-1").getStatus());
            for (String sku : List.of(atOne.get(0), atOne.get(1), atZero)) {
                assertEquals(1, fixture.skuStock(sku).getLocations().get("wh-a").getAllocated(), sku + " allocated once");
            }
        }
    }

    /**
     * An earlier release sent an order's lines on the edge's topic, allotment.commands; the SKU tasks still take them
     * from there below where the topic ended when this release first started, so a batch in flight there across the
     * upgrade is decided as before, each line once, while the lines this release sends go on the engine's own topic.
     */
    @Test
    void aBatchAnEarlierReleaseLeftOnTheEdgesTopicIsStillDecided() throws Exception {
        // the two deliveries below, at offsets 0 and 1, were there when this release started
        try (TopologyFixture fixture = TopologyFixture.startAfterUpgrade("batch-upgrade-test", StreamsConfig.EXACTLY_ONCE_V2, 2)) {
            TestOutputTopic<String, Command> engineOwn = fixture.engineCommands();
            stocked(fixture, "S1", "S2");

            Command left = Command.newBuilder().setCommandId("e-1:reserve:l-1+1").setIssuedAt(T0)
                .setPrincipal(CommandOutcomes.ENGINE).setOrderId("o-old")
                .setPayload(new ReserveLines(List.of(line("l-1", "S1"), line("l-2", "S2")))).build();
            fixture.commands.pipeInput("S1", left);
            fixture.commands.pipeInput("S1", left);   // delivered twice: decided once

            assertEquals(List.of(1, 1), List.of("S1", "S2").stream()
                .map(sku -> fixture.skuStock(sku).getLocations().get("wh-a").getAllocated()).toList());
            assertEquals(List.of(), engineOwn.readValuesToList(), "nothing sent on: both lines at home");
            assertEquals(List.of(), EngineCommandsOnlyTest.refusedAsEngineOwn(fixture), "below the fence: taken");

            fixture.place("o-new", "web", new OrderLine("l-1", "S1", 2));
            assertEquals(List.of("o-new"), engineOwn.readValuesToList().stream().map(Command::getOrderId).toList());
            assertEquals(3, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated());
        }
    }
}
