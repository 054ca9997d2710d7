package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.CancelLine;
import dev.allotment.events.ChangeLineQuantity;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderLineAdded;
import dev.allotment.events.OrderLineCancelled;
import dev.allotment.events.OrderLineChanged;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.events.LineToReserve;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ReserveLines;
import dev.allotment.events.ReservedLine;
import dev.allotment.schemas.DecisionHeaders;
import dev.allotment.streams.allocation.AllocationIds;
import dev.allotment.streams.allocation.AllocationPlanner;
import dev.allotment.streams.allocation.Site;
import dev.allotment.streams.allocation.Refusal;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.order.OrderFold;
import dev.allotment.streams.order.OrderEdits;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.order.OrderRules;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetterSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies allotment.order-events to the orders store: a valid OrderPlaced creates the reservation, an
 * OrderCancelled cancels it, a line added, changed or cancelled goes to the line's partition; each change is forwarded as a decision event, and its projection is published when
 * the task commits (the fold's feed of the orders store, {@link CommitTimeStore.Flushes}).
 * Records that cannot be decoded or break the contract go to the dead letters; the stream goes on. A line of a SKU split
 * into shards goes to its shard's key ({@link ShardPlan#keyOf}: a function of the SKU and the order id), and so does
 * every later command about it.
 */
record OrderEventProcessor(Deserializer<OrderEvent> decoder, LocationChanges locationChanges, StoreChanges changes,
                           HomePartitions homes, Limits limits, String commandsTopic, ShardPlan shards,
                           ToIntFunction<byte[]> availableUnits, FoldPositions foldPositions)
    implements ProcessorSupplier<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(OrderEventProcessor.class);
    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        return new Applier();
    }

    private final class Applier implements Processor<byte[], byte[], Object, Object> {
        private ProcessorContext<Object, Object> context;
        private KeyValueStore<String, OrderProjection> orders;
        private DeadLetterSink deadLetters;
        private GlobalLocations locations;
        private KeyValueStore<String, byte[]> stockView;
        private OrderIndex index;
        /** How far the fold of this task has read the decision log (-1: not yet since the task opened). */
        private AtomicLong foldReadTo;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.foldReadTo = foldPositions.of(context.taskId().partition());
            this.orders = context.getStateStore(StoreNames.ORDERS);
            this.locations = new GlobalLocations(context.getStateStore(StoreNames.LOCATIONS), locationChanges);
            this.stockView = context.getStateStore(StoreNames.STOCK_VIEW);
            this.index = new OrderIndex(context.getStateStore(StoreNames.ORDER_INDEX));   // filled, when new, by the fold
            this.deadLetters = new DeadLetterSink(context, NodeNames.DEAD_LETTERS, "order-events");
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (record.key() == null) {
                deadLetter(record, "record has no key (the order id)", null);
                return;
            }
            if (homes.awayFromHome(record, context)) {
                // placed by another partitioner: handled at the key's home, where its decisions fold
                context.forward(record, NodeNames.ORDER_EVENTS_HOME);
                return;
            }
            String orderId = new String(record.key(), StandardCharsets.UTF_8);
            try {
                apply(record, orderId);
            } finally {
                changes.changed(orderId);
            }
        }

        private void apply(Record<byte[], byte[]> record, String orderId) {
            OrderEvent event = deadLetters.decode(record, decoder, context.recordMetadata().map(m -> m.topic()).orElse(""),
                "an OrderEvent");
            if (event == null) {
                return;
            } else if (event.getPayload() instanceof OrderPlaced placed) {
                place(record, orderId, event, placed);
            } else if (event.getPayload() instanceof OrderCancelled cancelled) {
                cancel(record, orderId, event, cancelled);
            } else if (OrderEdits.isEdit(event.getPayload())) {
                edit(record, orderId, event, event.getPayload());
            } else {
                deadLetter(record, "unknown order event payload " + event.getPayload().getClass().getName(), null);
            }
        }

        private void place(Record<byte[], byte[]> record, String key, OrderEvent event, OrderPlaced placed) {
            if (!key.equals(placed.getOrderId())) {
                deadLetter(record, "key '" + key + "' is not the order_id '" + placed.getOrderId() + "'", null);
                return;
            }
            List<String> violations = OrderRules.violations(placed, limits);
            if (!violations.isEmpty()) {
                deadLetter(record, "OrderPlaced " + key + " is invalid: " + String.join("; ", violations), null);
                return;
            }
            OrderProjection existing = orders.get(key);
            if (existing != null) {
                if (!OrderRules.samePlacement(existing, placed)) {
                    deadLetter(record, "order " + key + " was already placed with other lines", null);
                } else {
                    LOG.debug("order {} placed again with the same lines (event {}): nothing to do", key, event.getEventId());
                }
                return;
            }
            OrderProjection order = OrderRules.reserve(placed, event.getOccurredAt());
            long readTo = foldReadTo.get();
            if (readTo >= 0) {   // the reservation logged below lands after what the fold has read: found there, if asked
                order.setHistoryPositions(List.of(OrderFold.reservationAfter(readTo)));   // before the fold writes where
            }
            List<ReservedLine> lines = order.getLines().stream()
                .map(l -> new ReservedLine(l.getLineId(), l.getSku(), l.getQuantity(), 0)).toList();
            emit(record, event, null, order, new ReservationCreated(order.getOrderNumber(),
                order.getChannel(), order.getPriority(), order.getPlacedAt(), lines), "reservation-created");
            String preferred = preferredLocation(placed);
            String allocationId = AllocationIds.derive(key, event.getEventId());
            Map<String, String> holds = placed.getLineHolds() == null ? Map.of() : placed.getLineHolds();
            List<LineToReserve> reserves = new ArrayList<>(placed.getLines().size());
            for (OrderLine line : placed.getLines()) {
                reserves.add(new LineToReserve(event.getEventId() + ":reserve:" + line.getLineId(), new ReserveLine(line.getLineId(),
                    line.getSku(), line.getQuantity(), placed.getChannel(), placed.getPriority(), placed.getPlacedAt(),
                    preferred, allocationId, false, holds.get(line.getLineId()))));
            }
            for (List<LineToReserve> batch : ReserveBatches.byPartition(reserves,
                sku -> homes.home(commandsTopic, shards.keyOf(sku, key)))) {
                LineToReserve first = batch.get(0);
                String to = shards.keyOf(first.getReserve().getSku(), key);   // every line of the batch is on its partition
                if (batch.size() == 1) {
                    send(record, event, to, first.getCommandId(), key, first.getReserve());
                } else {   // each line is decided there under its own command id, as if sent alone
                    send(record, event, to, first.getCommandId() + "+" + (batch.size() - 1), key,
                        new ReserveLines(batch));
                }
            }
        }

        /**
         * A line added, changed or cancelled: checked against the order ({@link OrderEdits}), then sent to the line's
         * partition, which decides and logs it. An added line is marked on the order at once, so a second line of its
         * id is refused; the rest reaches the projection as the line's partition logs it.
         */
        private void edit(Record<byte[], byte[]> record, String key, OrderEvent event, Object edit) {
            String named = OrderEdits.orderId(edit);
            if (!key.equals(named)) {
                deadLetter(record, "key '" + key + "' is not the order_id '" + named + "'", null);
                return;
            }
            OrderProjection existing = orders.get(key);
            if (existing == null) {
                deadLetter(record, edit.getClass().getSimpleName() + " for unknown order " + key, null);
                return;
            }
            if (!(edit instanceof OrderLineChanged) && OrderEdits.isRepeat(existing, edit)) {
                LOG.debug("order {}: {} again (event {}): nothing to do", key, edit.getClass().getSimpleName(), event.getEventId());
                return;
            }
            Optional<Refusal> refused = OrderEdits.refusal(existing, edit, limits);
            if (refused.isPresent()) {
                deadLetter(record, refused.get().code().wire() + ": " + edit.getClass().getSimpleName() + " " + key + ": "
                    + refused.get().getMessage(), null);
                return;
            }
            String lineId = OrderEdits.lineId(edit);
            String suffix = OrderEdits.commandSuffix(edit);
            if (edit instanceof OrderLineAdded added) {
                OrderLine line = added.getLine();
                orders.put(key, OrderEdits.withAddedLine(existing, line));
                command(record, event, line.getSku(), suffix, key, new ReserveLine(line.getLineId(), line.getSku(),
                    line.getQuantity(), existing.getChannel(), existing.getPriority(), event.getOccurredAt(), null,
                    AllocationIds.derive(key, event.getEventId()), true, null));
                return;
            }
            String sku = existing.getLines().stream().filter(l -> l.getLineId().equals(lineId)).findFirst().orElseThrow().getSku();
            command(record, event, sku, suffix, key, edit instanceof OrderLineChanged changed
                ? new ChangeLineQuantity(lineId, changed.getQuantity(), changed.getReason())
                : new CancelLine(lineId, ((OrderLineCancelled) edit).getReason()));
        }

        /** The highest-ranked location that could fill the whole order, from the global (possibly stale) stock view. */
        private String preferredLocation(OrderPlaced placed) {
            List<Site> routing = locations.routing(placed.getChannel());
            if (routing.isEmpty()) {
                return null;
            }
            Map<String, Long> needs = new HashMap<>();   // in long: lines of one SKU may add up past the int range
            placed.getLines().forEach(l -> needs.merge(l.getSku(), (long) l.getQuantity(), Long::sum));
            return AllocationPlanner.wholeOrderLocation(routing, needs, (sku, loc) -> {
                byte[] level = stockView.get(GlobalLoaders.stockViewKey(sku, loc));
                return level == null ? 0 : availableUnits.applyAsInt(level);
            });
        }

        /** A command about the order's lines of {@code sku}, to the SKU's shard that holds them. */
        private void command(Record<byte[], byte[]> record, OrderEvent cause, String sku, String suffix, String orderId,
                             Object payload) {
            send(record, cause, shards.keyOf(sku, orderId), cause.getEventId() + ":" + suffix, orderId, payload);
        }

        private void send(Record<byte[], byte[]> record, OrderEvent cause, String key, String commandId, String orderId,
                          Object payload) {
            Command command = Command.newBuilder().setCommandId(commandId)
                .setIssuedAt(cause.getOccurredAt()).setPrincipal("engine").setOrderId(orderId).setPayload(payload).build();
            context.forward(new Record<Object, Object>(key, command, record.timestamp()), NodeNames.COMMANDS);
        }

        private void cancel(Record<byte[], byte[]> record, String key, OrderEvent event, OrderCancelled cancelled) {
            List<String> violations = OrderRules.violations(cancelled);
            if (!violations.isEmpty()) {
                deadLetter(record, "OrderCancelled " + key + " is invalid: " + String.join("; ", violations), null);
                return;
            }
            OrderProjection existing = orders.get(key);
            if (existing == null) {
                deadLetter(record, "OrderCancelled for unknown order " + key, null);
                return;
            }
            if (existing.getStatus() == OrderStatus.CANCELLED) {
                LOG.debug("order {} cancelled again (event {}): nothing to do", key, event.getEventId());
                return;
            }
            OrderProjection order = OrderRules.markCancelled(existing, cancelled.getReason());
            emit(record, event, existing, order, new ReservationCancelled(cancelled.getReason()), "reservation-cancelled");
            order.getLines().stream().map(l -> l.getSku()).distinct().forEach(sku ->
                command(record, event, sku, "release:" + sku, key, new ReleaseOrder(cancelled.getReason())));
        }

        /** Writes {@code order} over {@code previous} (what the caller read of it; null for a new order) and logs {@code decision}. */
        private void emit(Record<byte[], byte[]> record, OrderEvent cause, OrderProjection previous, OrderProjection order,
                          Object decision, String kind) {
            index.changed(previous, order);
            orders.put(order.getOrderId(), order);
            AllocationEvent logged = AllocationEvent.newBuilder()
                .setEventId(cause.getEventId() + ":" + kind)
                .setOccurredAt(cause.getOccurredAt())
                .setCommandId(cause.getCommandId())
                .setCausationId(cause.getEventId())
                .setOrderId(order.getOrderId())
                .setPayload(decision)
                .build();
            context.forward(new Record<Object, Object>(order.getOrderId(), logged, record.timestamp(), DecisionHeaders.of(logged)),
                NodeNames.ALLOCATION_EVENTS);
        }

        private void deadLetter(Record<byte[], byte[]> record, String reason, Throwable error) {
            deadLetters.send(record, reason, error);
        }
    }
}
