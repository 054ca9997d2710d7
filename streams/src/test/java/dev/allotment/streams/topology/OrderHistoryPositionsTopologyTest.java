package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.order.OrderReplay;
import dev.allotment.streams.state.StoreNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestOutputTopic;
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

    /** The topology (its wall clock at {@code wallClock}; null: the real time) with 10 of S1 at wh-a, serving "web". */
    private void startWithStock(String guarantee, Instant wallClock) throws Exception {
        fixture = wallClock == null ? TopologyFixture.start("allotment-test", guarantee)
            : TopologyFixture.start("allotment-test", guarantee, wallClock);
        fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-a"));
        fixture.stockSet("wh-a", "S1", 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theOrdersRecordHoldsTheOffsetsOfItsEventsAndTheFeedDoesNot(String guarantee) throws Exception {
        startWithStock(guarantee, null);
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
    /**
     * The order's reservation changes nothing the order shows: where it is in the log rides with the order's next write
     * (its line's decision), so the orders changelog holds no record for it alone (issue 19: a third of a record per
     * line). Placed, the order's record marks where to look for it meanwhile: after what the fold had read.
     */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theReservationsPositionRidesWithTheOrdersNextWriteNotARecordOfItsOwn(String guarantee) throws Exception {
        startWithStock(guarantee, null);
        fixture.place("o-0", "web", new OrderLine("l-1", "S1", 1));   // the fold has read the log since the task opened
        long readTo = fixture.allocationEvents.readRecordsToList().size() - 1;
        TestOutputTopic<String, OrderProjection> changelog = fixture.driver.createOutputTopic(
            "allotment-test-" + StoreNames.ORDERS + "-changelog", new StringDeserializer(),
            fixture.serdes.value(OrderProjection.class).deserializer());
        changelog.readValuesToList();
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 2));

        List<Long> positions = fixture.order("o-1").getHistoryPositions();
        long reservation = readTo + 1;
        assertEquals(reservation, positions.get(0), "the reservation first: " + positions);
        assertTrue(positions.size() >= 2, "with its line's decisions: " + positions);
        List<List<Long>> written = changelog.readValuesToList().stream().map(OrderProjection::getHistoryPositions).toList();
        assertEquals(List.of(OrderFold.reservationAfter(readTo)), written.get(0), "placed: where to look for its reservation");
        for (List<Long> w : written.subList(1, written.size())) {
            assertTrue(w.size() >= 2 && w.get(0) == reservation, "every later record carries the reservation and a decision: "
                + written);
        }
        assertEquals(positions, written.get(written.size() - 1));
        assertTrue(OrderReplay.isWhole(fixture.history("o-1")));
    }

    /**
     * An order none of whose lines was decided (no location serves its channel) has its reservation's position held, then written
     * alone after one to two turns of the fold's hold; meanwhile its history finds the reservation after the mark.
     */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aReservationNoDecisionFollowsIsFoundAfterTheMarkThenWrittenAloneAfterTheHold(String guarantee) throws Exception {
        startWithStock(guarantee, T0);
        fixture.place("o-0", "web", new OrderLine("l-1", "S1", 1));
        long readTo = fixture.allocationEvents.readRecordsToList().size() - 1;
        fixture.place("o-w", "unrouted", new OrderLine("l-1", "S1", 1));   // no location serves its channel: no decision
        assertEquals(OrderStatus.RESERVED, fixture.order("o-w").getStatus());

        assertEquals(List.of(OrderFold.reservationAfter(readTo)), fixture.order("o-w").getHistoryPositions(), "held");
        List<AllocationEvent> history = fixture.history("o-w");
        assertTrue(history.get(0).getPayload() instanceof ReservationCreated && OrderReplay.isWhole(history),
            "found after the mark: " + history);
        fixture.driver.advanceWallClockTime(OrderFoldProcessor.RESERVATION_HOLD);
        assertEquals(List.of(OrderFold.reservationAfter(readTo)), fixture.order("o-w").getHistoryPositions(),
            "held for one turn at least");
        fixture.driver.advanceWallClockTime(OrderFoldProcessor.RESERVATION_HOLD);
        assertEquals(List.of(readTo + 1), fixture.order("o-w").getHistoryPositions(), "written alone at the second turn");
        assertTrue(fixture.projections.readValuesToList().stream().noneMatch(o -> o.getOrderId().equals("o-w")
            && o.getVersion() > 1), "nothing the feed carries changed");
    }

    /**
     * A task that stopped after folding an order's reservation lost the offset it held: the order's record still marks
     * where to look, its next write keeps the mark, and a history read finds the reservation there, whole. An order whose
     * history was forgotten is marked so, and its start is not looked for.
     */
    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aReservationWhoseHeldOffsetWasLostIsFoundAfterTheMarkAndAForgottenHistoryIsNotLookedFor(String guarantee)
        throws Exception {
        startWithStock(guarantee, null);
        fixture.place("o-0", "web", new OrderLine("l-1", "S1", 1));
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 2));
        long reservation = fixture.order("o-1").getHistoryPositions().get(0);
        // as the order stood when its task stopped holding its reservation's offset: placed, and marked
        OrderProjection placed = fixture.order("o-1");
        placed.setHistoryPositions(List.of(OrderFold.reservationAfter(reservation - 1)));
        fixture.<OrderProjection>store(StoreNames.ORDERS).put("o-1", placed);
        fixture.orders.pipeInput("o-1", TopologyFixture.cancelled("c-1", "o-1", T0.plusSeconds(5), "customer request"));

        List<Long> positions = fixture.order("o-1").getHistoryPositions();
        assertEquals(OrderFold.reservationAfter(reservation - 1), positions.get(0), "the mark kept: " + positions);
        List<AllocationEvent> history = fixture.history("o-1");
        assertTrue(history.get(0).getPayload() instanceof ReservationCreated, "found after the mark: " + history);
        assertEquals("o-1", history.get(0).getOrderId().toString(), "the order's own");
        assertTrue(history.get(1).getPayload() instanceof ReservationCancelled, history.toString());
        assertTrue(OrderReplay.isWhole(history));
        assertEquals(OrderStatus.CANCELLED, OrderReplay.replay("o-1", history, T0.plusSeconds(6)).orElseThrow().getStatus());

        OrderProjection forgotten = OrderFold.withHistoryForgotten(fixture.order("o-0"));
        fixture.<OrderProjection>store(StoreNames.ORDERS).put("o-0", forgotten);
        fixture.orders.pipeInput("o-0", TopologyFixture.cancelled("c-0", "o-0", T0.plusSeconds(5), "customer request"));
        assertEquals(OrderFold.HISTORY_FORGOTTEN, fixture.order("o-0").getHistoryPositions().get(0));
        List<AllocationEvent> after = fixture.history("o-0");
        assertTrue(after.stream().noneMatch(e -> e.getPayload() instanceof ReservationCreated), after.toString());
        assertFalse(OrderReplay.isWhole(after));
    }
}
