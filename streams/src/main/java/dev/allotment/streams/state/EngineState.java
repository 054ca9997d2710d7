package dev.allotment.streams.state;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.LineReservation;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.SkuStock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The query port: the one read API over the engine's state, for the HTTP edge, the webhook sender and tools. It owns
 * every store name and key encoding; callers see the engine's values, {@link Optional} for one, lists in a stated order
 * for many. A read the engine cannot answer now throws {@link EngineUnavailableException}.
 *
 * <p>{@link LocalEngineState} reads this instance's stores. Where several instances share the work, this is where a
 * keyed read is sent to the instance that owns the key.
 */
public interface EngineState {
    /** An order's reservation and allocation projection. */
    Optional<OrderProjection> order(String orderId);

    /**
     * {@link #order}, when this instance can answer it at once, without waiting for a store or asking another instance
     * (the caller may be an event loop); empty otherwise, and {@link #order} then answers.
     */
    default Optional<Optional<OrderProjection>> orderAtOnce(String orderId) {
        return Optional.empty();
    }

    /**
     * Up to {@code limit} orders with ids after {@code after} (ascending), or, when {@code before} is given, the
     * {@code limit} orders just before it (still ascending); one more when there are more.
     */
    List<OrderProjection> orders(String after, String before, int limit);

    /** Every decision event of the order, in log order: its full history (empty for an unknown order). */
    List<AllocationEvent> history(String orderId);

    /** The reservations of the order's lines of one SKU, beside the SKU's stock, in line-id order. */
    List<LineReservation> lines(String sku, String orderId);

    /**
     * The SKU's lines waiting for stock (backorder demand), first to be served first (priority, then time placed), at
     * most {@code max}: what available-to-promise subtracts.
     */
    List<LineReservation> waiting(String sku, int max);

    /** An allocation request by its id alone, with its order. */
    Optional<FoundRequest> request(String requestId);

    /**
     * The first {@code limit} allocation requests with one of {@code statuses}, at one of {@code locations} (at any when
     * null), oldest first (created at, then id); read from an index, so the cost follows {@code limit}, not every request.
     */
    List<FoundRequest> requests(Set<String> statuses, Set<String> locations, int limit);

    /**
     * Up to {@code limit} orders holding, or having completed, an allocation at {@code locationId}, with ids after
     * {@code after} (ascending; from the first when null), or, when {@code before} is given, the {@code limit} just
     * before it (still ascending); one more when there are more; read from an index.
     */
    List<OrderProjection> ordersAt(String locationId, String after, String before, int limit);

    /** The first outcome of a command decided on {@code sku}'s partition, once it is decided. */
    Optional<CommandOutcome> outcome(String sku, String commandId);

    /** The outcomes of every command whose id starts with {@code prefix}, on every partition this instance holds. */
    List<CommandOutcome> outcomesUnder(String prefix);

    /** A SKU's stock at every location. */
    Optional<SkuStock> stock(String sku);

    /** {@link #stock(String)}, when this instance can answer it at once (see {@link #orderAtOnce}); empty otherwise. */
    default Optional<Optional<SkuStock>> stockAtOnce(String sku) {
        return Optional.empty();
    }

    /**
     * Up to {@code limit} SKUs' stock, by SKU, after {@code after} (from the first when null), one more when there are
     * more; only SKUs with stock recorded at {@code locationId} when it is given (read from an index).
     */
    List<SkuStock> stock(String locationId, String after, int limit);

    Optional<LocationUpserted> location(String locationId);

    /** Every location, by id. */
    List<LocationUpserted> locations();

    /** A channel's routing. */
    Optional<RoutingSet> routing(String channel);

    /** What the engine's processors signal as they change the stores of a key (an order id, a SKU): waits listen. */
    StoreChanges changes();

    /**
     * Whether this instance's processors change {@code store}'s entries of {@code key}, so that {@link #changes()}
     * tells of their changes: true where every store is this instance's own; an instance of several answers for the
     * keys whose partitions it runs.
     */
    default boolean changedHere(String store, String key) {
        return true;
    }
}
