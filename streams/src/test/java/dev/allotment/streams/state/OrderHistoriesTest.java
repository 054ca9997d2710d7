package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.schemas.InMemoryAvroSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * A history store written before positions were kept holds the events themselves; after the upgrade its new entries are
 * positions. A history read gives both, in log order, and leaves out what the log no longer holds.
 */
class OrderHistoriesTest {
    private static final String TOPIC = "allotment.allocation-events";
    private final Serde<AllocationEvent> serde = new InMemoryAvroSerdes().value(AllocationEvent.class);

    @Test
    void copiesAndPositionsReadTogetherInLogOrderAndWhatTheLogLostIsLeftOut() {
        Map<Long, AllocationEvent> log = new HashMap<>();
        for (long offset = 3; offset <= 9; offset++) {
            log.put(offset, event("e-" + offset));
        }
        log.remove(7L);   // deleted by the log's retention
        List<KeyValue<String, byte[]>> entries = List.of(
            KeyValue.pair(HistoryKeys.of("o-1", 1), serde.serializer().serialize(TOPIC, event("e-1"))),   // a copy
            KeyValue.pair(HistoryKeys.of("o-1", 2), serde.serializer().serialize(TOPIC, event("e-2"))),
            KeyValue.pair(HistoryKeys.of("o-1", 5), OrderHistories.POSITION),
            KeyValue.pair(HistoryKeys.of("o-1", 7), OrderHistories.POSITION),
            KeyValue.pair(HistoryKeys.of("o-1", 9), OrderHistories.POSITION));
        List<Collection<Long>> asked = new ArrayList<>();
        DecisionLog reader = new DecisionLog() {
            @Override
            public Map<Long, AllocationEvent> read(int partition, Collection<Long> offsets) {
                assertEquals(3, partition);
                asked.add(List.copyOf(offsets));
                Map<Long, AllocationEvent> found = new HashMap<>();
                offsets.forEach(o -> {
                    if (log.containsKey(o)) {
                        found.put(o, log.get(o));
                    }
                });
                return found;
            }

            @Override
            public Optional<AllocationEvent> reservationAfter(int partition, String orderId, long after) {
                throw new AssertionError("no reservation is looked for");
            }

            @Override
            public AllocationEvent decodeCopy(byte[] copy) {
                return serde.deserializer().deserialize(TOPIC, copy);
            }
        };
        List<String> ids = OrderHistories.read(3, entries, reader).stream().map(e -> e.getEventId().toString()).toList();
        assertEquals(List.of("e-1", "e-2", "e-5", "e-9"), ids);
        assertEquals(List.of(List.of(5L, 7L, 9L)), asked, "the positions, asked of the log in one read");

        asked.clear();
        assertEquals(2, OrderHistories.read(3, entries.subList(0, 2), reader).size());
        assertEquals(List.of(), asked, "copies alone: the log is not asked");
    }

    @Test
    void theStoresEntriesAndTheOrdersPositionsMakeOneHistoryInLogOrder() {
        List<KeyValue<String, byte[]>> stored = List.of(
            KeyValue.pair(HistoryKeys.of("o-1", 4), serde.serializer().serialize(TOPIC, event("e-4"))),
            KeyValue.pair(HistoryKeys.of("o-1", 12), OrderHistories.POSITION));
        OrderProjection order = new OrderProjection();
        order.setHistoryPositions(List.of(12L, 30L, 101L));   // 12 in both: an entry written by an engine stopped mid-upgrade
        List<KeyValue<String, byte[]>> entries = OrderHistories.entries("o-1", stored, order);
        assertEquals(List.of(4L, 12L, 30L, 101L), entries.stream().map(kv -> HistoryKeys.offsetOf(kv.key)).toList());
        assertEquals(List.of(false, true, true, true), entries.stream().map(kv -> kv.value.length == 0).toList(),
            "the copy stays a copy, the rest are positions");
        assertEquals(stored, OrderHistories.entries("o-1", stored, null), "no order: the store's entries alone");
        assertEquals(stored, OrderHistories.entries("o-1", stored, new OrderProjection()), "no positions: the same");
    }

    @Test
    void aReservationNotAmongThePositionsIsLookedForAfterTheMarkOnceAndPutFirst() {
        Map<Long, AllocationEvent> log = new HashMap<>(Map.of(
            4L, reservation("o-1"), 3L, reservation("o-2"), 7L, event("e-7"), 9L, event("e-9")));
        List<Long> soughtAfter = new ArrayList<>();
        DecisionLog reader = new DecisionLog() {
            @Override
            public Map<Long, AllocationEvent> read(int partition, Collection<Long> offsets) {
                Map<Long, AllocationEvent> found = new HashMap<>();
                offsets.forEach(o -> found.put(o, log.get(o)));
                return found;
            }

            @Override
            public Optional<AllocationEvent> reservationAfter(int partition, String orderId, long after) {
                soughtAfter.add(after);
                for (long o = after + 1; o < 20; o++) {
                    AllocationEvent e = log.get(o);
                    if (e != null && e.getPayload() instanceof ReservationCreated && e.getOrderId().equals(orderId)) {
                        return Optional.of(e);
                    }
                }
                return Optional.empty();
            }

            @Override
            public AllocationEvent decodeCopy(byte[] copy) {
                return serde.deserializer().deserialize(TOPIC, copy);
            }
        };
        OrderProjection marked = new OrderProjection();
        marked.setHistoryPositions(List.of(OrderFold.reservationAfter(2), 7L, 9L));   // its task held the offset, and stopped
        assertEquals(2, OrderHistories.reservationSought(marked));
        List<KeyValue<String, byte[]>> entries = OrderHistories.entries("o-1", List.of(), marked);
        assertEquals(List.of(7L, 9L), entries.stream().map(kv -> HistoryKeys.offsetOf(kv.key)).toList(),
            "the mark is no entry");
        List<AllocationEvent> history = OrderHistories.read(0, "o-1", entries, 2, reader);
        assertEquals(List.of("o-1:reservation-created", "e-7", "e-9"),
            history.stream().map(e -> e.getEventId().toString()).toList());
        assertEquals(List.of(2L), soughtAfter, "looked for after the mark");

        OrderProjection young = new OrderProjection();
        young.setHistoryPositions(List.of(OrderFold.reservationAfter(0)));   // held for its next write, nothing after yet
        assertEquals(List.of("o-1:reservation-created"), OrderHistories.read(0, "o-1",
            OrderHistories.entries("o-1", List.of(), young), OrderHistories.reservationSought(young), reader).stream()
            .map(e -> e.getEventId().toString()).toList());

        soughtAfter.clear();
        log.remove(4L);   // gone (retention)
        assertEquals(List.of("e-7", "e-9"), OrderHistories.read(0, "o-1", entries, 2, reader).stream()
            .map(e -> e.getEventId().toString()).toList(), "not found: the history as it is, not whole");

        soughtAfter.clear();
        List<KeyValue<String, byte[]>> copied = List.of(
            KeyValue.pair(HistoryKeys.of("o-1", 1), serde.serializer().serialize(TOPIC, reservation("o-1"))));
        assertEquals(3, OrderHistories.read(0, "o-1", OrderHistories.entries("o-1", copied, marked), 2, reader).size());
        assertEquals(List.of(), soughtAfter, "an order whose history store holds its reservation: not looked for");

        OrderProjection kept = new OrderProjection();
        kept.setHistoryPositions(List.of(4L, 7L));
        assertEquals(-1, OrderHistories.reservationSought(kept), "its reservation among its positions");
        OrderProjection forgotten = new OrderProjection();
        forgotten.setHistoryPositions(List.of(OrderFold.HISTORY_FORGOTTEN, 9L));
        assertEquals(-1, OrderHistories.reservationSought(forgotten), "forgotten: not looked for");
        assertEquals(List.of(9L), OrderHistories.entries("o-1", List.of(), forgotten).stream()
            .map(kv -> HistoryKeys.offsetOf(kv.key)).toList());
        assertEquals(-1, OrderHistories.reservationSought(new OrderProjection()), "no positions");
        assertEquals(-1, OrderHistories.reservationSought(null));
    }

    @Test
    void aKeyNamesItsOffset() {
        assertEquals(0, HistoryKeys.offsetOf(HistoryKeys.of("o", 0)));
        assertEquals(Long.MAX_VALUE, HistoryKeys.offsetOf(HistoryKeys.of("o\u0000x", Long.MAX_VALUE)));
        assertEquals(1234567, HistoryKeys.offsetOf(HistoryKeys.of("order-with-digits-99", 1234567)));
    }

    private static AllocationEvent reservation(String orderId) {
        return AllocationEvent.newBuilder().setEventId(orderId + ":reservation-created")
            .setOccurredAt(Instant.parse("2026-12-01T10:00:00Z")).setOrderId(orderId)
            .setPayload(new ReservationCreated(orderId, "web", 0, Instant.parse("2026-12-01T10:00:00Z"), List.of())).build();
    }

    private static AllocationEvent event(String id) {
        return AllocationEvent.newBuilder().setEventId(id).setOccurredAt(Instant.parse("2026-12-01T10:00:00Z"))
            .setOrderId("o-1").setPayload(new ReservationCancelled("test")).build();
    }
}
