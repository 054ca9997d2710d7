package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The order path through the real topology, under both processing guarantees. */
class OrderTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private final Topics topics = Topics.defaults();
    private final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderEvent> orderEvents;
    private TestInputTopic<String, byte[]> rawOrderEvents;
    private TestOutputTopic<String, AllocationEvent> allocationEvents;
    private TestOutputTopic<String, OrderProjection> projections;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    void start(String guarantee) throws Exception {
        Properties props = EngineStreamsConfig.defaults("allotment-test", "unused:9092",
            Files.createTempDirectory("tt-state").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        driver = new TopologyTestDriver(AllotmentTopology.build(topics, serdes), props);
        orderEvents = driver.createInputTopic(topics.orderEvents(), Serdes.String().serializer(),
            serdes.value(OrderEvent.class).serializer());
        rawOrderEvents = driver.createInputTopic(topics.orderEvents(), Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
        allocationEvents = driver.createOutputTopic(topics.allocationEvents(), Serdes.String().deserializer(),
            serdes.value(AllocationEvent.class).deserializer());
        projections = driver.createOutputTopic(topics.orderProjections(), Serdes.String().deserializer(),
            serdes.value(OrderProjection.class).deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters(), Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    static OrderEvent placed(String eventId, String orderId, OrderLine... lines) {
        return OrderEvent.newBuilder().setEventId(eventId).setOccurredAt(T0)
            .setPayload(OrderPlaced.newBuilder().setOrderId(orderId).setChannel("web").setPlacedAt(T0)
                .setLines(List.of(lines)).build()).build();
    }

    static OrderEvent cancelled(String eventId, String orderId) {
        return OrderEvent.newBuilder().setEventId(eventId).setOccurredAt(T0.plusSeconds(60))
            .setPayload(new OrderCancelled(orderId, "customer request")).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrderPlacedBecomesAReservation(String guarantee) throws Exception {
        start(guarantee);
        orderEvents.pipeInput("o-1", placed("e-1", "o-1", new OrderLine("l-1", "SKU-1", 2), new OrderLine("l-2", "SKU-2", 5)));

        AllocationEvent logged = allocationEvents.readValue();
        ReservationCreated created = assertInstanceOf(ReservationCreated.class, logged.getPayload());
        assertEquals("o-1", logged.getOrderId());
        assertEquals("e-1", logged.getCausationId());
        assertEquals(List.of(5, 0), List.of(created.getLines().get(1).getQuantity(), created.getLines().get(1).getAllocatedQuantity()));
        OrderProjection projection = projections.readValue();
        assertEquals(OrderStatus.RESERVED, projection.getStatus());
        KeyValueStore<String, OrderProjection> store = driver.getKeyValueStore(StoreNames.ORDERS);
        assertEquals(projection, store.get("o-1"));
        assertTrue(deadLetters.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aMalformedRecordIsDeadLetteredAndTheNextOrderStillApplies(String guarantee) throws Exception {
        start(guarantee);
        rawOrderEvents.pipeInput("o-bad", "{not avro}".getBytes(StandardCharsets.UTF_8));
        orderEvents.pipeInput("o-2", placed("e-2", "o-2", new OrderLine("l-1", "SKU-1", 1)));

        TestRecord<byte[], byte[]> letter = deadLetters.readRecord();
        assertEquals("{not avro}", new String(letter.value(), StandardCharsets.UTF_8), "value kept as received");
        assertEquals("o-bad", new String(letter.key(), StandardCharsets.UTF_8));
        assertTrue(DeadLetters.header(letter.headers(), DeadLetters.REASON).startsWith("cannot decode an OrderEvent"));
        assertEquals(topics.orderEvents(), DeadLetters.header(letter.headers(), DeadLetters.TOPIC));
        assertEquals("o-2", projections.readValue().getOrderId());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void contractViolationsAreDeadLetteredWithTheirReason(String guarantee) throws Exception {
        start(guarantee);
        orderEvents.pipeInput("o-3", placed("e-3", "o-3"));
        orderEvents.pipeInput("o-4", placed("e-4", "o-4", new OrderLine("l-1", "S", 0)));
        orderEvents.pipeInput("o-5", placed("e-5", "o-5", new OrderLine("l-1", "S", 1), new OrderLine("l-1", "T", 1)));
        orderEvents.pipeInput("o-6", placed("e-6", "o-other", new OrderLine("l-1", "S", 1)));

        List<String> reasons = deadLetters.readRecordsToList().stream()
            .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
        assertEquals(4, reasons.size());
        assertTrue(reasons.get(0).contains("lines: at least one line is required"), reasons.get(0));
        assertTrue(reasons.get(1).contains("lines[0].quantity"), reasons.get(1));
        assertTrue(reasons.get(2).contains("duplicate 'l-1'"), reasons.get(2));
        assertTrue(reasons.get(3).contains("is not the order_id"), reasons.get(3));
        assertTrue(projections.isEmpty());
        assertNull(driver.<String, OrderProjection>getKeyValueStore(StoreNames.ORDERS).get("o-3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aRepeatedPlacementChangesNothingAndAConflictingOneIsRefused(String guarantee) throws Exception {
        start(guarantee);
        orderEvents.pipeInput("o-1", placed("e-1", "o-1", new OrderLine("l-1", "SKU-1", 2)));
        orderEvents.pipeInput("o-1", placed("e-1-retry", "o-1", new OrderLine("l-1", "SKU-1", 2)));
        orderEvents.pipeInput("o-1", placed("e-1-other", "o-1", new OrderLine("l-1", "SKU-1", 9)));

        assertEquals(1, allocationEvents.readRecordsToList().size());
        assertEquals(1, projections.readRecordsToList().size());
        assertEquals(1, deadLetters.readRecordsToList().size());
        assertEquals(2, driver.<String, OrderProjection>getKeyValueStore(StoreNames.ORDERS).get("o-1").getLines().get(0).getQuantity());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void cancellationIsLoggedOnceAndAnUnknownOrderIsDeadLettered(String guarantee) throws Exception {
        start(guarantee);
        orderEvents.pipeInput("o-1", placed("e-1", "o-1", new OrderLine("l-1", "SKU-1", 2)));
        orderEvents.pipeInput("o-1", cancelled("e-2", "o-1"));
        orderEvents.pipeInput("o-1", cancelled("e-3", "o-1"));
        orderEvents.pipeInput("o-9", cancelled("e-4", "o-9"));

        List<AllocationEvent> logged = allocationEvents.readValuesToList();
        assertEquals(2, logged.size());
        assertInstanceOf(ReservationCancelled.class, logged.get(1).getPayload());
        OrderProjection cancelledOrder = driver.<String, OrderProjection>getKeyValueStore(StoreNames.ORDERS).get("o-1");
        assertEquals(OrderStatus.CANCELLED, cancelledOrder.getStatus());
        assertEquals("customer request", cancelledOrder.getCancelReason());
        assertEquals(1, deadLetters.readRecordsToList().size());
    }
}
