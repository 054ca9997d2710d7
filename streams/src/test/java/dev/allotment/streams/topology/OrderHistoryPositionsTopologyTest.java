package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderProjection;
import dev.allotment.streams.state.StoreNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An order's history is the positions of its events in the decision log, kept in the order's own record by the fold that
 * applies them: exactly the offsets of the events logged about the order, in log order, and nothing in the history store.
 * The projection feed carries the projection alone.
 */
class OrderHistoryPositionsTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theOrdersRecordHoldsTheOffsetsOfItsEventsAndTheFeedDoesNot(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee);
        fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-a"));
        fixture.stockSet("wh-a", "S1", 10);
        fixture.stockSet("wh-a", "S2", 1);
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 2), new OrderLine("l-2", "S2", 3));
        fixture.place("o-2", "web", new OrderLine("l-1", "S1", 1));

        List<TestRecord<String, AllocationEvent>> log = fixture.allocationEvents.readRecordsToList();   // offset = index
        for (String orderId : List.of("o-1", "o-2")) {
            List<Long> offsets = new ArrayList<>();
            List<AllocationEvent> events = new ArrayList<>();
            for (int i = 0; i < log.size(); i++) {
                if (log.get(i).key().equals(orderId)) {
                    offsets.add((long) i);
                    events.add(log.get(i).value());
                }
            }
            assertTrue(offsets.size() >= 2, orderId + ": its reservation and its decisions, " + offsets);
            assertEquals(offsets, fixture.order(orderId).getHistoryPositions(), orderId);
            assertEquals(events, fixture.history(orderId), orderId + ": its history, read back from the log");
        }
        try (var stored = fixture.<byte[]>store(StoreNames.ORDER_HISTORY).prefixScan("o-", new StringSerializer())) {
            assertFalse(stored.hasNext(), "the history store holds nothing of a new order");
        }
        List<OrderProjection> feed = fixture.projections.readValuesToList();
        assertFalse(feed.isEmpty());
        feed.forEach(o -> assertEquals(List.of(), o.getHistoryPositions(), "the feed: " + o.getOrderId()));
    }
}
