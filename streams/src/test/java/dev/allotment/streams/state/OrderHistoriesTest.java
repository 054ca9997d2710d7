package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.schemas.InMemoryAvroSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    void aKeyNamesItsOffset() {
        assertEquals(0, HistoryKeys.offsetOf(HistoryKeys.of("o", 0)));
        assertEquals(Long.MAX_VALUE, HistoryKeys.offsetOf(HistoryKeys.of("o\u0000x", Long.MAX_VALUE)));
        assertEquals(1234567, HistoryKeys.offsetOf(HistoryKeys.of("order-with-digits-99", 1234567)));
    }

    private static AllocationEvent event(String id) {
        return AllocationEvent.newBuilder().setEventId(id).setOccurredAt(Instant.parse("2026-12-01T10:00:00Z"))
            .setOrderId("o-1").setPayload(new ReservationCancelled("test")).build();
    }
}
