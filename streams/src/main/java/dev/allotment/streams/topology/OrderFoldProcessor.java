package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.OrderProjection;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetterSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
    private final String topic;
    private final Deserializer<AllocationEvent> decoder;
    private final StoreChanges changes;
    private final Duration historyRetention;

    /** {@code historyRetention} null: every order's history is kept as long as the order. */
    OrderFoldProcessor(String topic, Deserializer<AllocationEvent> decoder, StoreChanges changes, Duration historyRetention) {
        this.topic = topic;
        this.decoder = decoder;
        this.changes = changes;
        this.historyRetention = historyRetention;
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
            public void process(Record<byte[], byte[]> record) {
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
                // the history is the event's position in the log, kept in the order's own record (written once per
                // commit anyway): the projection and its history change together, and a history query reads the log
                OrderProjection next = OrderFold.withPosition(folded.orElse(order), folded.isPresent(),
                    context.recordMetadata().map(m -> m.offset()).orElse(0L));
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
        };
    }
}
