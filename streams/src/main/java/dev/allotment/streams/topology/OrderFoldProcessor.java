package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.ReservationCreated;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.state.DecisionLog;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetterSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds allotment.allocation-events (decided on the SKU partitions) into the orders store and its projection topic, and
 * keeps each event's position in the log in the order's record ({@code history_positions},
 * {@link dev.allotment.streams.state.OrderHistories}); with a history retention, forgets a final order's history after it.
 */
public final class OrderFoldProcessor implements ProcessorSupplier<byte[], byte[], Object, Object> {
    /** How often final orders past the history retention are forgotten, and how many at most each time. */
    static final Duration HISTORY_SWEEP_INTERVAL = Duration.ofMinutes(1);
    static final int HISTORY_SWEEP_BATCH = 1_000;
    /**
     * How often the reservations' positions that no write of their order took are written alone ({@link HeldReservations}):
     * each is held one to two of these, so an order none of whose lines was decided yet (waiting for stock) shows its
     * reservation in its history that much later. Its lines' decisions mostly come a commit or two after it.
     */
    static final Duration RESERVATION_HOLD = Duration.ofSeconds(1);
    private final String topic;
    private final Deserializer<AllocationEvent> decoder;
    private final StoreChanges changes;
    private final Duration historyRetention;
    private final FoldPositions foldPositions;

    /**
     * {@code historyRetention} null: every order's history is kept as long as the order. {@code foldPositions}: where the
     * fold has read to, told to the order processor of the same task.
     */
    OrderFoldProcessor(String topic, Deserializer<AllocationEvent> decoder, StoreChanges changes, Duration historyRetention,
                       FoldPositions foldPositions) {
        this.topic = topic;
        this.decoder = decoder;
        this.changes = changes;
        this.historyRetention = historyRetention;
        this.foldPositions = foldPositions;
    }

    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        return new Processor<>() {
            private ProcessorContext<Object, Object> context;
            private KeyValueStore<String, OrderProjection> orders;
            /** Writes to the orders that commit but are not published to the feed: a change of the history's positions alone. */
            private BiConsumer<String, OrderProjection> quietly;
            private KeyValueStore<String, String> requests;
            private OrderIndex index;
            private DeadLetterSink deadLetters;
            /** Null without a retention. */
            private OrderHistoryExpiry expiry;
            private final HeldReservations held = new HeldReservations();
            /** The offset of the last record this task's fold took (-1: none since it opened). */
            private AtomicLong readTo;

            @Override
            public void init(ProcessorContext<Object, Object> context) {
                this.context = context;
                this.orders = context.getStateStore(StoreNames.ORDERS);
                this.quietly = CommitTimeStore.quietPuts(context.getStateStore(StoreNames.ORDERS));
                this.requests = context.getStateStore(StoreNames.ALLOCATION_REQUESTS);
                KeyValueStore<String, String> indexStore = context.getStateStore(StoreNames.ORDER_INDEX);
                this.index = new OrderIndex(indexStore);
                IndexBackfill.schedule(context, orders, indexStore, index::add);
                publishAtCommit(context, context.getStateStore(StoreNames.ORDERS));
                this.deadLetters = new DeadLetterSink(context, NodeNames.FOLD_DEAD_LETTERS, "order-fold");
                held.clear();   // a task opened again: what it held went with the state it rolled back to
                this.readTo = foldPositions.of(context.taskId().partition());
                readTo.set(-1);   // not an offset an earlier run of the task here read: only this run's are near
                context.schedule(RESERVATION_HOLD, PunctuationType.WALL_CLOCK_TIME, now -> held.turn(this::writeHeld));
                if (historyRetention != null) {
                    this.expiry = new OrderHistoryExpiry(orders, quietly, context.getStateStore(StoreNames.ORDER_HISTORY),
                        context.getStateStore(StoreNames.ORDER_HISTORY_EXPIRY),
                        historyRetention);
                    context.schedule(HISTORY_SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                        now -> expiry.forget(Instant.ofEpochMilli(now), HISTORY_SWEEP_BATCH));
                }
            }

            /**
             * allotment.order-projections gets each order the commit wrote (placed, edited or folded, by either processor of
             * the store), once per commit and in its transaction: a compacted "latest" feed, whose readers keep the last
             * value of a key, loses nothing, and an order's many decisions within one commit make one record.
             */
            private static void publishAtCommit(ProcessorContext<Object, Object> context, StateStore orders) {
                CommitForwarder forwarder = new CommitForwarder(context);
                CommitTimeStore.<OrderProjection>onFlush(orders, (orderId, order) -> {
                    if (order != null) {   // the sink's serializer leaves out where its history is (ProjectionFeedSerializer)
                        forwarder.forward(new Record<Object, Object>(orderId, order, forwarder.now()), NodeNames.ORDER_PROJECTIONS);
                    }
                });
            }

            @Override
            public void close() {
                if (readTo != null) {
                    readTo.set(-1);
                }
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                long offset = context.recordMetadata().map(m -> m.offset()).orElse(0L);
                readTo.set(offset);
                AllocationEvent event = deadLetters.decode(record, decoder, topic, "an AllocationEvent");
                if (event == null) {
                    return;
                }
                String orderId = record.key() == null ? event.getOrderId() : new String(record.key(), StandardCharsets.UTF_8);
                OrderProjection order = orders.get(orderId);
                if (order == null) {   // the engine logs an order's reservation before any decision about it
                    deadLetters.send(record, "allocation event " + event.getEventId() + " is about order " + orderId
                        + ", which the engine does not hold", null);
                    return;
                }
                if (event.getPayload() instanceof AllocationRequested r && r.getConfirmMode() == AllocationMode.CONFIRM) {
                    requests.put(r.getAllocationId(), orderId);   // the index that finds a request's order by its id
                }
                Optional<OrderProjection> folded = OrderFold.apply(order, event);
                List<Long> positions = order.getHistoryPositions();
                if (folded.isEmpty() && event.getPayload() instanceof ReservationCreated && !positions.isEmpty()
                    && OrderFold.awaitsReservation(positions)
                    && offset - OrderFold.afterOf(positions.get(0)) <= DecisionLog.RESERVATION_SEARCH) {
                    // changes nothing the order shows: where it is rides with the order's next write, and the order's
                    // mark says where to find it meanwhile, or if this task stops before writing it
                    held.hold(orderId, offset);
                    changes.changed(orderId);
                    return;
                }
                // the history is the event's position in the log, kept in the order's own record (written once per
                // commit anyway): the projection and its history change together, and a history query reads the log
                OrderProjection next = withPositions(orderId, folded.orElse(order), folded.isPresent(), offset,
                    event.getPayload() instanceof ReservationCreated);
                if (folded.isPresent()) {
                    orders.put(orderId, next);
                    index.changed(order, next);
                } else {   // the projection is as it was (an order's reservation, mostly): the feed has it already
                    quietly.accept(orderId, next);
                }
                if (expiry != null) {
                    expiry.folded(orderId, order.getStatus(), next.getStatus(), Instant.ofEpochMilli(record.timestamp()));
                }
                changes.changed(orderId);
            }

            /**
             * The order with the event at {@code offset} last in its history. An order still awaiting its reservation's
             * position (none yet, or the mark that says where to look) gets it first: the event's own when it is the
             * reservation, or the one this task holds. Otherwise the event's is appended: after the mark when the task
             * that held the reservation's position stopped, so that a history read still finds it after that offset.
             */
            private OrderProjection withPositions(String orderId, OrderProjection order, boolean fresh, long offset,
                                                  boolean isReservation) {
                long reservation = isReservation ? offset : held.take(orderId);
                if (reservation >= 0 && OrderFold.awaitsReservation(order.getHistoryPositions())) {
                    return reservation == offset ? OrderFold.withReservationFirst(order, fresh, reservation)
                        : OrderFold.withReservationFirst(order, fresh, reservation, offset);
                }
                return OrderFold.withPosition(order, fresh, offset);
            }

            /** A reservation's position no write of its order took: written alone, not published (the feed has the order). */
            private void writeHeld(String orderId, long offset) {
                OrderProjection order = orders.get(orderId);
                if (order != null && OrderFold.awaitsReservation(order.getHistoryPositions())) {
                    quietly.accept(orderId, OrderFold.withReservationFirst(order, false, offset));
                }
            }
        };
    }
}
