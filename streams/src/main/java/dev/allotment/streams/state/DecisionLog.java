package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import java.util.Collection;
import java.util.Map;

/**
 * The decision log (allotment.allocation-events) read by position. An order's history store keeps where each of the
 * order's events is in the log, not a second copy of it ({@link OrderHistories}); a history read asks the log for them.
 */
public interface DecisionLog {
    /**
     * The events at {@code offsets} of the log's partition {@code partition}, by offset. An offset the log no longer
     * holds (deleted by the topic's retention) is absent from the answer: the history it belongs to is then not whole.
     *
     * @throws EngineUnavailableException when the log cannot be read within the read's bound
     */
    Map<Long, AllocationEvent> read(int partition, Collection<Long> offsets);

    /**
     * An entry of the history store written before it kept positions, which holds the event itself, encoded as the
     * log's records are.
     */
    AllocationEvent decodeCopy(byte[] copy);
}
