package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

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
     * The order's ReservationCreated in the log's partition {@code partition}, looked for after offset {@code after}, at
     * most {@link #RESERVATION_SEARCH} offsets on: where an order whose record says where to look for it has it
     * ({@link dev.allotment.streams.order.OrderFold#reservationAfter}; the fold holds its own offset for the order's next
     * write, and never one further than that from the mark). Empty when it is not there.
     *
     * @throws EngineUnavailableException when the log cannot be read within the read's bound
     */
    Optional<AllocationEvent> reservationAfter(int partition, String orderId, long after);

    /** How far after its mark an order's reservation is looked for, in offsets. */
    int RESERVATION_SEARCH = 50_000;

    /**
     * An entry of the history store written before it kept positions, which holds the event itself, encoded as the
     * log's records are.
     */
    AllocationEvent decodeCopy(byte[] copy);
}
