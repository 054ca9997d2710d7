package dev.allotment.services.engine;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderProjection;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.state.FoundRequest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The edge's waits for what the engine decides, each bounded by the command timeout ({@code allotment.http.command-timeout})
 * and each reading the engine's state through the query port: woken when this instance's processors change the keys
 * it reads. The waits answer as futures that hold no thread while they wait ({@link LaterWaits}); only a change
 * with no key to watch (a location's, a channel's routing) waits on its thread ({@link #until}).
 */
@Singleton
public class Waits {
    private final EngineState state;
    private final CommitWatch commits;
    private final Duration timeout;
    private final ShardPlan shards;
    private final GlobalCatchUp globals;
    private final LaterWaits later;

    public Waits(EngineState state, CommitWatch commits, EngineSettings settings, GlobalCatchUp globals, LaterWaits later) {
        this.later = later;
        this.state = state;
        this.commits = commits;
        this.globals = globals;
        this.timeout = settings.getHttp().getCommandTimeout();
        this.shards = settings.shardPlan();
    }

    /**
     * The order once the engine has committed its processing of {@code event} (the order event the edge published) and
     * the order satisfies {@code done}; empty past the timeout. Committed first: under exactly-once a crash rolls back
     * what was not, and the replay may decide otherwise (DESIGN §4, {@link CommitWatch}).
     */
    public CompletableFuture<Optional<OrderProjection>> order(String orderId, RecordMetadata event,
                                                              Predicate<OrderProjection> done) {
        TopicPartition at = new TopicPartition(event.topic(), event.partition());
        return later.until(timeout, state.changes(), List.of(orderId), state.changedHere(StoreNames.ORDERS, orderId),
            () -> commits.committed(at, event.offset()) ? state.order(orderId).filter(done) : Optional.empty());
    }

    /**
     * The events logged under {@code commandId} in the order's history, once the engine has committed its processing of
     * {@code event} and the command's decisions (or its refusal) are in the committed history; empty past the timeout.
     */
    public CompletableFuture<Optional<List<AllocationEvent>>> logged(String orderId, RecordMetadata event, String commandId) {
        TopicPartition at = new TopicPartition(event.topic(), event.partition());
        return later.until(timeout, state.changes(), List.of(orderId), state.changedHere(StoreNames.ORDERS, orderId), () -> {
            if (!commits.committed(at, event.offset())) {
                return Optional.empty();
            }
            List<AllocationEvent> mine = state.history(orderId).stream().filter(e -> commandId.equals(e.getCommandId())).toList();
            return mine.isEmpty() ? Optional.empty() : Optional.of(mine);
        });
    }

    /**
     * An allocation request the engine has just decided, once it has reached its order's projection (the fold, a hop
     * after the SKU's outcome that answered the allocation); empty past the timeout. Asked every 5 ms (no key to watch:
     * the request's order is what it finds), without a thread between the looks.
     */
    public CompletableFuture<Optional<FoundRequest>> request(String requestId) {
        return later.until(timeout, () -> state.request(requestId));
    }

    /**
     * Read-your-writes for manual commands: an order's lines reach their SKUs' partitions one hop after the order
     * itself, so wait until each of {@code skus} holds the order's lines there. Answers the lines it read last, by SKU
     * in the order given (empty for a SKU that held none by the timeout), for a caller that reads them next. One wait
     * over every SKU's key, each SKU read until it holds the lines and not again.
     */
    public CompletableFuture<Map<String, List<LineReservation>>> lines(String orderId, Collection<String> skus) {
        OrderLines read = new OrderLines(orderId, skus);
        return later.until(timeout, state.changes(), read.keys, read.changedHere, read).thenApply(held -> read.bySku());
    }

    /** An order's lines on its SKUs' partitions as a wait's probe: present once every SKU holds some. */
    private final class OrderLines implements Supplier<Optional<Boolean>> {
        private final String orderId;
        private final Map<String, List<LineReservation>> read = new LinkedHashMap<>();
        /** The keys the lines change under: a sharded SKU's lines of the order change under its shard's key. */
        private final List<String> keys;
        private final boolean changedHere;

        OrderLines(String orderId, Collection<String> skus) {
            this.orderId = orderId;
            skus.forEach(sku -> read.put(sku, List.of()));
            this.keys = read.keySet().stream().map(sku -> shards.keyOf(sku, orderId)).distinct().toList();
            this.changedHere = keys.stream().allMatch(key -> state.changedHere(StoreNames.LINE_RESERVATIONS, key));
        }

        @Override
        public synchronized Optional<Boolean> get() {
            boolean all = true;
            for (Map.Entry<String, List<LineReservation>> sku : read.entrySet()) {
                if (sku.getValue().isEmpty()) {
                    sku.setValue(state.lines(sku.getKey(), orderId));
                    all &= !sku.getValue().isEmpty();
                }
            }
            return all ? Optional.of(Boolean.TRUE) : Optional.empty();
        }

        synchronized Map<String, List<LineReservation>> bySku() {
            return new LinkedHashMap<>(read);
        }
    }

    /**
     * The location as this instance's copy of the global store shows it; where the copy does not show it, once the copy
     * has caught up with the topic ({@link GlobalCatchUp}), so that a location just created through another instance is
     * found. Empty when the caught-up copy has no such location.
     */
    public Optional<LocationUpserted> location(String locationId) {
        Optional<LocationUpserted> known = state.location(locationId);
        if (known.isPresent()) {
            return known;
        }
        globals.locations();
        return state.location(locationId);
    }

    /** Until {@code done} holds (a change the engine applies with no key to watch, such as a location's). */
    public boolean until(BooleanSupplier done) {
        return Polling.until(timeout, done);
    }
}
