package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;

/**
 * What the {@link StoreNames#ORDER_HISTORY} store holds, and how a history is read from it. Each key names an order and
 * the offset of one of its events in the decision log ({@link HistoryKeys}); the value is {@link #POSITION}, empty: the
 * event is read from the log ({@link DecisionLog}). The log is the record; a second copy of it per order was a third of
 * the bytes a restore read. A value that is not empty is an entry written before positions were kept: the event itself.
 */
public final class OrderHistories {
    /** The value of a history entry whose event is read from the decision log at the offset its key names. */
    public static final byte[] POSITION = new byte[0];

    private OrderHistories() {}

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
