package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderStatus;
import dev.allotment.streams.state.HistoryKeys;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No record stops the engine (DESIGN §4, invariant 7): what it cannot decode or use, on any topic it reads, global
 * stores' included, goes to the dead letters with its reason, and the next record is decided as usual.
 */
class PoisonRecordsTopologyTest {
    private static final byte[] GARBAGE = "this is not avro".getBytes(StandardCharsets.UTF_8);
    @AutoClose
    private TopologyFixture fixture;

    void start(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee);
        fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-a"));
        fixture.stockSet("wh-a", "S1", 10);
    }

    /** The engine still decides: an order placed now is allocated at once. */
    private void stillDeciding(String orderId) {
        fixture.place(orderId, "web", new OrderLine("l-1", "S1", 1));
        assertEquals(OrderStatus.ALLOCATED, fixture.order(orderId).getStatus(), orderId);
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anUndecodableStockLevelIsDeadLetteredAndTheGlobalStoreGoesOn(String guarantee) throws Exception {
        start(guarantee);
        fixture.raw(fixture.topics.stockLevels()).pipeInput(key("junk"), GARBAGE);

        assertEquals(1, fixture.globalDeadLetters.size());
        Record<byte[], byte[]> letter = fixture.globalDeadLetters.get(0);
        assertArrayEquals(GARBAGE, letter.value());
        assertEquals(fixture.topics.stockLevels(), DeadLetters.header(letter.headers(), DeadLetters.TOPIC));
        assertTrue(DeadLetters.header(letter.headers(), DeadLetters.REASON).startsWith("cannot decode"), () ->
            DeadLetters.header(letter.headers(), DeadLetters.REASON));
        stillDeciding("o-1");
        fixture.stockSet("wh-a", "S1", 20);   // the engine's own stock levels still reach the global store
        stillDeciding("o-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anUndecodableOrEmptyLocationEventIsDeadLetteredAndLaterLocationsStillCount(String guarantee) throws Exception {
        start(guarantee);
        fixture.raw(fixture.topics.locationEvents()).pipeInput(key("location:junk"), GARBAGE);
        fixture.raw(fixture.topics.locationEvents()).pipeInput(key("location:gone"), (byte[]) null);

        assertEquals(2, fixture.globalDeadLetters.size());
        assertTrue(DeadLetters.header(fixture.globalDeadLetters.get(1).headers(), DeadLetters.REASON).contains("no value"));
        fixture.location(TopologyFixture.warehouse("wh-b", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-b", "wh-a"));
        fixture.stockSet("wh-b", "S1", 5);
        stillDeciding("o-1");
        assertEquals("wh-b", fixture.order("o-1").getAllocations().get(0).getLocationId(), "the location that came after");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anOrderEventWithBytesAfterItsRecordIsDeadLetteredAndNotPlaced(String guarantee) throws Exception {
        start(guarantee);
        byte[] framed = fixture.serdes.value(OrderEvent.class).serializer().serialize(fixture.topics.orderEvents(),
            TopologyFixture.placed("e-1", "o-padded", "web", new OrderLine("l-1", "S1", 1)));
        fixture.rawOrders.pipeInput("o-padded", Arrays.copyOf(framed, framed.length + 2));

        TestRecord<byte[], byte[]> letter = fixture.deadLetters.readRecord();
        assertTrue(DeadLetters.header(letter.headers(), DeadLetters.REASON).contains("trailing bytes"),
            () -> DeadLetters.header(letter.headers(), DeadLetters.REASON));
        assertEquals(null, fixture.order("o-padded"));
        stillDeciding("o-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aDecisionWithNoValueOrForAnOrderTheEngineDoesNotHoldIsDeadLettered(String guarantee) throws Exception {
        start(guarantee);
        fixture.raw(fixture.topics.allocationEvents()).pipeInput(key("o-x"), (byte[]) null);
        AllocationEvent stray = AllocationEvent.newBuilder().setEventId("stray").setOccurredAt(TopologyFixture.T0)
            .setOrderId("o-nobody").setPayload(new LineBackordered("l-1", "S1", 1, null, null, null, List.of(), null)).build();
        fixture.raw(fixture.topics.allocationEvents()).pipeInput(key("o-nobody"), fixture.serdes
            .value(AllocationEvent.class).serializer().serialize(fixture.topics.allocationEvents(), stray));

        List<String> reasons = fixture.deadLetters.readRecordsToList().stream()
            .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("no value"), reasons.get(0));
        assertTrue(reasons.get(1).contains("o-nobody"), reasons.get(1));
        try (var history = fixture.<byte[]>store(StoreNames.ORDER_HISTORY)
            .prefixScan(HistoryKeys.prefix("o-nobody"), new StringSerializer())) {
            assertFalse(history.hasNext(), "no history for an order the engine does not hold");
        }
        stillDeciding("o-1");
    }
}
