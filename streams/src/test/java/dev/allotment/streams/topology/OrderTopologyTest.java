package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.support.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The order path through the real topology, under both processing guarantees. */
class OrderTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    void start(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee);
    }

    static OrderEvent placed(String eventId, String orderId, OrderLine... lines) {
        return TopologyFixture.placed(eventId, orderId, "web", lines);
    }

    static OrderEvent cancelled(String eventId, String orderId) {
        return TopologyFixture.cancelled(eventId, orderId, T0.plusSeconds(60), "customer request");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrderPlacedBecomesAReservation(String guarantee) throws Exception {
        start(guarantee);
        fixture.orders.pipeInput("o-1", placed("e-1", "o-1", new OrderLine("l-1", "SKU-1", 2), new OrderLine("l-2", "SKU-2", 5)));

        AllocationEvent logged = fixture.allocationEvents.readValue();
        ReservationCreated created = assertInstanceOf(ReservationCreated.class, logged.getPayload());
        assertEquals("o-1", logged.getOrderId());
        assertEquals("e-1", logged.getCausationId());
        assertEquals(List.of(5, 0), List.of(created.getLines().get(1).getQuantity(), created.getLines().get(1).getAllocatedQuantity()));
        OrderProjection projection = fixture.projections.readValue();
        assertEquals(OrderStatus.RESERVED, projection.getStatus());
        // the store's record also holds where the order's history is (its reservation, the log's first record); the feed
        // carries the projection alone
        assertEquals(List.of(0L), fixture.order("o-1").getHistoryPositions());
        assertEquals(projection, OrderFold.withoutPositions(fixture.order("o-1")));
        assertTrue(fixture.projections.isEmpty(), "the reservation folded changes nothing the feed carries");
        assertTrue(fixture.deadLetters.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aMalformedRecordIsDeadLetteredAndTheNextOrderStillApplies(String guarantee) throws Exception {
        start(guarantee);
        fixture.rawOrders.pipeInput("o-bad", "{not avro}".getBytes(StandardCharsets.UTF_8));
        fixture.orders.pipeInput("o-2", placed("e-2", "o-2", new OrderLine("l-1", "SKU-1", 1)));

        TestRecord<byte[], byte[]> letter = fixture.deadLetters.readRecord();
        assertEquals("{not avro}", new String(letter.value(), StandardCharsets.UTF_8), "value kept as received");
        assertEquals("o-bad", new String(letter.key(), StandardCharsets.UTF_8));
        assertTrue(DeadLetters.header(letter.headers(), DeadLetters.REASON).startsWith("cannot decode an OrderEvent"));
        assertEquals(fixture.topics.orderEvents(), DeadLetters.header(letter.headers(), DeadLetters.TOPIC));
        assertEquals("o-2", fixture.projections.readValue().getOrderId());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void contractViolationsAreDeadLetteredWithTheirReason(String guarantee) throws Exception {
        start(guarantee);
        fixture.orders.pipeInput("o-3", placed("e-3", "o-3"));
        fixture.orders.pipeInput("o-4", placed("e-4", "o-4", new OrderLine("l-1", "S", 0)));
        fixture.orders.pipeInput("o-5", placed("e-5", "o-5", new OrderLine("l-1", "S", 1), new OrderLine("l-1", "T", 1)));
        fixture.orders.pipeInput("o-6", placed("e-6", "o-other", new OrderLine("l-1", "S", 1)));

        List<String> reasons = fixture.deadLetters.readRecordsToList().stream()
            .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
        assertEquals(4, reasons.size());
        assertTrue(reasons.get(0).contains("lines: at least one line is required"), reasons.get(0));
        assertTrue(reasons.get(1).contains("lines[0].quantity"), reasons.get(1));
        assertTrue(reasons.get(2).contains("duplicate 'l-1'"), reasons.get(2));
        assertTrue(reasons.get(3).contains("is not the order_id"), reasons.get(3));
        assertTrue(fixture.projections.isEmpty());
        assertNull(fixture.order("o-3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrderOverTheLineCapOrWithAControlCharacterInAnIdIsDeadLetteredAndTheNextOneApplies(String guarantee)
        throws Exception {
        start(guarantee);
        OrderLine[] lines = new OrderLine[501];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = new OrderLine("l-" + i, "SKU-" + i, 1);
        }
        fixture.orders.pipeInput("o-big", placed("e-big", "o-big", lines));
        fixture.orders.pipeInput("o\u0000x", placed("e-nul", "o\u0000x", new OrderLine("l-1", "SKU-1", 1)));
        fixture.orders.pipeInput("o-7", placed("e-7", "o-7", new OrderLine("l-1", "SKU-1", 1)));

        List<String> reasons = fixture.deadLetters.readRecordsToList().stream()
            .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("lines: at most 500 lines per order, was 501"), reasons.get(0));
        assertTrue(reasons.get(1).contains("order_id: must not contain control character U+0000"), reasons.get(1));
        assertNull(fixture.order("o-big"));
        assertEquals("o-7", fixture.projections.readValue().getOrderId());
        assertTrue(fixture.projections.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theLineCapIsTheTopologysSettingAndACancellationWithAnOverlongReasonIsDeadLettered(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee, new Limits(2));
        fixture.orders.pipeInput("o-3", placed("e-3", "o-3", new OrderLine("l-1", "S", 1), new OrderLine("l-2", "S", 1),
            new OrderLine("l-3", "S", 1)));
        fixture.orders.pipeInput("o-2", placed("e-2", "o-2", new OrderLine("l-1", "S", 1), new OrderLine("l-2", "S", 1)));
        fixture.orders.pipeInput("o-2", TopologyFixture.cancelled("e-2c", "o-2", T0, "r".repeat(Limits.MAX_TEXT_LENGTH + 1)));

        List<String> reasons = fixture.deadLetters.readRecordsToList().stream()
            .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("lines: at most 2 lines per order, was 3"), reasons.get(0));
        assertTrue(reasons.get(1).contains("reason: must be at most 2048 characters"), reasons.get(1));
        assertEquals(OrderStatus.RESERVED, fixture.order("o-2").getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aRepeatedPlacementChangesNothingAndAConflictingOneIsRefused(String guarantee) throws Exception {
        start(guarantee);
        fixture.orders.pipeInput("o-1", placed("e-1", "o-1", new OrderLine("l-1", "SKU-1", 2)));
        fixture.orders.pipeInput("o-1", placed("e-1-retry", "o-1", new OrderLine("l-1", "SKU-1", 2)));
        fixture.orders.pipeInput("o-1", placed("e-1-other", "o-1", new OrderLine("l-1", "SKU-1", 9)));

        assertEquals(1, fixture.allocationEvents.readRecordsToList().size());
        assertEquals(1, fixture.projections.readRecordsToList().size());
        assertEquals(1, fixture.deadLetters.readRecordsToList().size());
        assertEquals(2, fixture.order("o-1").getLines().get(0).getQuantity());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void cancellationIsLoggedOnceAndAnUnknownOrderIsDeadLettered(String guarantee) throws Exception {
        start(guarantee);
        fixture.orders.pipeInput("o-1", placed("e-1", "o-1", new OrderLine("l-1", "SKU-1", 2)));
        fixture.orders.pipeInput("o-1", cancelled("e-2", "o-1"));
        fixture.orders.pipeInput("o-1", cancelled("e-3", "o-1"));
        fixture.orders.pipeInput("o-9", cancelled("e-4", "o-9"));

        List<AllocationEvent> logged = fixture.allocationEvents.readValuesToList();
        assertEquals(2, logged.size());
        assertInstanceOf(ReservationCancelled.class, logged.get(1).getPayload());
        OrderProjection cancelledOrder = fixture.order("o-1");
        assertEquals(OrderStatus.CANCELLED, cancelledOrder.getStatus());
        assertEquals("customer request", cancelledOrder.getCancelReason());
        assertEquals(1, fixture.deadLetters.readRecordsToList().size());
    }
}
