package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import dev.allotment.events.OrderLine;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.state.StoreNames;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The order-wide preference, end to end through the topology: placing reads the global stock view (filled from
 * allotment.stock-levels, which the SKU tasks publish) and sends the order's lines with the highest-ranked location that
 * can fill the whole order, where each line is then allocated whole instead of split in rank order.
 */
class WholeOrderLocationTopologyTest {

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrderGoesWholeToTheHighestRankedLocationTheStockViewSaysCanFillIt(String guarantee) throws Exception {
        try (TopologyFixture fixture = TopologyFixture.start("whole-order-test", guarantee)) {
            fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT));
            fixture.location(TopologyFixture.warehouse("wh-b", ConfirmMode.DIRECT));
            fixture.routing("web", List.of("wh-a", "wh-b"));
            fixture.stockSet("wh-a", "S1", 1);
            fixture.stockSet("wh-b", "S1", 5);
            fixture.stockSet("wh-a", "S2", 5);
            fixture.stockSet("wh-b", "S2", 5);

            // wh-a, first in rank, holds one S1 of the two asked: the whole order can only be filled at wh-b
            fixture.place("o-1", "web", new OrderLine("l-1", "S1", 2), new OrderLine("l-2", "S2", 1));
            assertEquals(Map.of("wh-b", 2), allocated(fixture, "S1", "o-1", "l-1"), "S1's line whole at wh-b, not split");
            assertEquals(Map.of("wh-b", 1), allocated(fixture, "S2", "o-1", "l-2"), "S2's line with it");

            // an order wh-a can fill goes to wh-a, the first in rank
            fixture.place("o-2", "web", new OrderLine("l-1", "S2", 3));
            assertEquals(Map.of("wh-a", 3), allocated(fixture, "S2", "o-2", "l-1"));

            // without the preference, rank order splits a line wh-a cannot fill: what the view above avoided
            fixture.place("o-3", "web", new OrderLine("l-1", "S1", 4), new OrderLine("l-2", "S2", 9));
            assertEquals(Map.of("wh-a", 1, "wh-b", 3), allocated(fixture, "S1", "o-3", "l-1"),
                "no location can fill the whole order: each line in rank order");
        }
    }

    /** Units allocated to the line, by location. */
    private static Map<String, Integer> allocated(TopologyFixture fixture, String sku, String orderId, String lineId) {
        LineReservation line = fixture.<LineReservation>store(StoreNames.LINE_RESERVATIONS).get(BookKeys.line(sku, orderId, lineId));
        Map<String, Integer> at = new TreeMap<>();
        for (LineAllocation a : line.getAllocations()) {
            at.merge(a.getLocationId(), a.getQuantity(), Integer::sum);
        }
        return at;
    }
}
