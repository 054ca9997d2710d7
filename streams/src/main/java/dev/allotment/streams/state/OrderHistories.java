package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ReservationCreated;
import dev.allotment.streams.order.OrderFold;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;

/**
 * Where an order's history is, and how it is read. The history is the order's events in the decision log; the order's
 * own record holds their offsets ({@code history_positions}, written by the fold with the projection), and a history
 * read takes the events from the log ({@link DecisionLog}). The log is the record: a second copy of it per order was a
 * third of the bytes a restore read, and a record per event one and a third records per order line.
 *
 * <p>Before that (until December 2026) the {@link StoreNames#ORDER_HISTORY} store held the history, a key per event
 * naming the order and the offset ({@link HistoryKeys}): first each event itself, then {@link #POSITION}, an empty
 * value. Those entries stay where they are and are read with the order's positions.
 *
 * <p>An order whose positions begin with a {@link OrderFold#reservationAfter} mark has its reservation's position yet
 * to be written (the fold holds it for the order's next write, or held it in a task that stopped): a read looks for the
 * reservation in the log after the offset the mark names ({@link DecisionLog#reservationAfter}).
 */
public final class OrderHistories {
    /** The value of a history entry whose event is read from the decision log at the offset its key names. */
    public static final byte[] POSITION = new byte[0];

    private OrderHistories() {}

    /**
     * The order's history entries: those the history store holds of it ({@code stored}, in key order) and the positions
     * its record holds, in log order (an offset in both is read once).
     */
    public static List<KeyValue<String, byte[]>> entries(String orderId, List<KeyValue<String, byte[]>> stored,
                                                        OrderProjection order) {
        if (order == null || order.getHistoryPositions() == null || order.getHistoryPositions().isEmpty()) {
            return stored;
        }
        TreeMap<String, byte[]> all = new TreeMap<>();
        stored.forEach(kv -> all.put(kv.key, kv.value));
        for (long offset : order.getHistoryPositions()) {
            if (offset >= 0) {
                all.putIfAbsent(HistoryKeys.of(orderId, offset), POSITION);
            }
        }
        List<KeyValue<String, byte[]>> entries = new ArrayList<>(all.size());
        all.forEach((k, v) -> entries.add(KeyValue.pair(k, v)));
        return entries;
    }

    /**
     * Where the order's reservation is to be looked for: after this offset, when its positions begin with a
     * {@link OrderFold#reservationAfter} mark; -1 when they do not (its reservation is among them, or was forgotten).
     */
    public static long reservationSought(OrderProjection order) {
        List<Long> positions = order == null ? null : order.getHistoryPositions();
        return positions != null && !positions.isEmpty() && OrderFold.isReservationAfter(positions.get(0))
            ? OrderFold.afterOf(positions.get(0)) : -1;
    }

    /**
     * The order's history from its entries ({@link #entries}), with its reservation looked for after {@code
     * reservationSought} ({@link #reservationSought}; -1: not looked for) when the entries do not begin with it.
     */
    public static List<AllocationEvent> read(int partition, String orderId, List<KeyValue<String, byte[]>> entries,
                                             long reservationSought, DecisionLog log) {
        List<AllocationEvent> events = entries.isEmpty() ? List.of() : read(partition, entries, log);
        if (reservationSought < 0 || !events.isEmpty() && events.get(0).getPayload() instanceof ReservationCreated) {
            return events;
        }
        return log.reservationAfter(partition, orderId, reservationSought).map(reservation -> {
            List<AllocationEvent> whole = new ArrayList<>(events.size() + 1);
            whole.add(reservation);
            whole.addAll(events);
            return whole;
        }).orElse(events);
    }

    /**
     * The events of the history entries {@code entries} (an order's keys, in key order, so in log order) of the log's
     * {@code partition}: copies decoded, positions read from {@code log}. An event the log no longer holds is left out.
     */
    public static List<AllocationEvent> read(int partition, List<KeyValue<String, byte[]>> entries, DecisionLog log) {
        List<Long> positions = new ArrayList<>();
        for (KeyValue<String, byte[]> entry : entries) {
            if (entry.value.length == 0) {
                positions.add(HistoryKeys.offsetOf(entry.key));
            }
        }
        Map<Long, AllocationEvent> logged = positions.isEmpty() ? Map.of() : log.read(partition, positions);
        List<AllocationEvent> events = new ArrayList<>(entries.size());
        for (KeyValue<String, byte[]> entry : entries) {
            AllocationEvent event = entry.value.length == 0 ? logged.get(HistoryKeys.offsetOf(entry.key))
                : log.decodeCopy(entry.value);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }
}
