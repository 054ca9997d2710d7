package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.order.OrderRules;
import dev.allotment.streams.state.HistoryExpiryKeys;
import dev.allotment.streams.state.HistoryKeys;
import dev.allotment.streams.state.OrderHistories;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderHistoryExpiry} on in-memory stores: an order has one index entry at a time, from when it last became final;
 * one that leaves its final status is taken out; an entry that is not its order's current one only goes; a sweep
 * handles at most its batch, oldest first, and deletes only its orders' history.
 */
class OrderHistoryExpiryTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();
    private final KeyValueStore<String, OrderProjection> orders = store("orders", serdes.value(OrderProjection.class));
    private final KeyValueStore<String, byte[]> history = store("order-history", Serdes.ByteArray());
    private final KeyValueStore<String, String> expiries = store("order-history-expiry", Serdes.String());
    private final OrderHistoryExpiry expiry = new OrderHistoryExpiry(orders, orders::put, history, expiries, RETENTION);
    private long offset;

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /**
     * The order now in {@code status}, with one more event in its history, folded at {@code at}. An order's first event
     * is in the history store, as one written before the positions moved into the order's record; the rest are in it.
     */
    private void fold(String orderId, OrderStatus status, Instant at) {
        OrderProjection before = orders.get(orderId);
        OrderProjection order = OrderRules.reserve(OrderPlaced.newBuilder().setOrderId(orderId).setChannel("web")
            .setPriority(0).setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", "S1", 1))).build(), T0);
        order.setStatus(status);
        if (before == null) {
            history.put(HistoryKeys.of(orderId, offset), OrderHistories.POSITION);
        } else {
            order.setHistoryPositions(before.getHistoryPositions());
            order = OrderFold.withPosition(order, true, offset);
        }
        orders.put(orderId, order);
        offset++;
        expiry.folded(orderId, before == null ? OrderStatus.RESERVED : before.getStatus(), status, at);
    }

    /** How many events the order's history holds: in the history store and in the order's record. */
    private int history(String orderId) {
        List<KeyValue<String, byte[]>> stored = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = history.prefixScan(HistoryKeys.prefix(orderId), new StringSerializer())) {
            it.forEachRemaining(stored::add);
        }
        return OrderHistories.entries(orderId, stored, orders.get(orderId)).size();
    }

    private List<String> index() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = expiries.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void anOrderIsIndexedWhenItBecomesFinalAndLaterEventsDoNotMoveItsTime() {
        fold("o-1", OrderStatus.ALLOCATED, T0);
        assertEquals(List.of(), index(), "an open order is not indexed");
        fold("o-1", OrderStatus.COMPLETED, T0.plusSeconds(10));
        fold("o-1", OrderStatus.CANCELLED, T0.plus(Duration.ofMinutes(30)));
        assertEquals(List.of(HistoryExpiryKeys.due(T0.plusSeconds(10).plus(RETENTION), "o-1"), HistoryExpiryKeys.order("o-1")),
            index());

        assertEquals(0, expiry.forget(T0.plus(RETENTION), 1_000));
        assertEquals(3, history("o-1"));
        assertEquals(1, expiry.forget(T0.plusSeconds(10).plus(RETENTION), 1_000));
        assertEquals(0, history("o-1"));
        assertEquals(List.of(OrderFold.HISTORY_FORGOTTEN), orders.get("o-1").getHistoryPositions(),
            "marked forgotten: an event after it does not look for the order's start in the log");
        assertEquals(List.of(), index());
        assertEquals(OrderStatus.CANCELLED, orders.get("o-1").getStatus(), "the projection stays");
    }

    @Test
    void anOrderThatLeavesItsFinalStatusIsTakenOutAndCountsAnewWhenFinalAgain() {
        fold("o-1", OrderStatus.COMPLETED, T0);
        fold("o-1", OrderStatus.PARTIALLY_ALLOCATED, T0.plus(Duration.ofMinutes(10)));
        assertEquals(List.of(), index());
        fold("o-1", OrderStatus.COMPLETED, T0.plus(Duration.ofMinutes(20)));

        expiry.forget(T0.plus(RETENTION).plus(Duration.ofMinutes(1)), 1_000);
        assertEquals(3, history("o-1"), "the first time it was final no longer counts");
        expiry.forget(T0.plus(RETENTION).plus(Duration.ofMinutes(20)), 1_000);
        assertEquals(0, history("o-1"));
        assertEquals(List.of(), index());
    }

    @Test
    void anEntryThatIsNotItsOrdersCurrentOneOrWhoseOrderIsOpenOnlyGoes() {
        fold("o-stale", OrderStatus.COMPLETED, T0.plus(Duration.ofMinutes(30)));
        expiries.put(HistoryExpiryKeys.due(T0, "o-stale"), "o-stale");   // left behind, say, by an older engine
        fold("o-open", OrderStatus.COMPLETED, T0);
        orders.put("o-open", OrderProjection.newBuilder(orders.get("o-open")).setStatus(OrderStatus.ALLOCATED).build());

        assertEquals(2, expiry.forget(T0.plus(RETENTION), 1_000), "o-stale's left-behind entry and o-open's");
        assertEquals(1, history("o-stale"), "its current entry is half an hour later");
        assertEquals(1, history("o-open"));
        assertEquals(List.of(HistoryExpiryKeys.due(T0.plus(Duration.ofMinutes(90)), "o-stale"), HistoryExpiryKeys.order("o-stale")),
            index());
    }

    @Test
    void aSweepHandlesAtMostItsBatchOldestFirstAndOnlyItsOrdersHistory() {
        for (int i = 4; i >= 0; i--) {
            fold("o-" + i, OrderStatus.COMPLETED, T0.plusSeconds(i));
        }
        fold("o-10", OrderStatus.ALLOCATED, T0);   // its keys start with "o-1" too

        assertEquals(2, expiry.forget(T0.plus(Duration.ofDays(1)), 2));
        assertEquals(List.of(0, 0, 1, 1, 1), List.of(history("o-0"), history("o-1"), history("o-2"), history("o-3"), history("o-4")));
        assertEquals(1, history("o-10"));
        assertEquals(2, expiry.forget(T0.plus(Duration.ofDays(1)), 2));
        assertEquals(1, expiry.forget(T0.plus(Duration.ofDays(1)), 2));
        assertEquals(0, expiry.forget(T0.plus(Duration.ofDays(1)), 2));
        assertTrue(index().isEmpty());
        assertEquals(1, history("o-10"));
    }
}
