package dev.allotment.services.engine;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.streams.state.StoreNames;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Allocation requests (the direct-then-confirm flow) as the order partitions hold them: a request is
 * found by its id through the {@code allocation-requests} index (request id to order id), then read
 * from its order's projection. Reads this instance's partitions.
 */
@Singleton
public class RequestQueries {
    private final StreamsRuntime runtime;
    private final OrderQueries orders;

    public RequestQueries(StreamsRuntime runtime, OrderQueries orders) {
        this.runtime = runtime;
        this.orders = orders;
    }

    /** A request and the order it belongs to. */
    public record Found(OrderProjection order, AllocationProjection request) {}

    public Optional<Found> find(String requestId) {
        String orderId = index().get(requestId);
        return orderId == null ? Optional.empty() : orders.find(orderId).flatMap(o -> requestOf(o, requestId));
    }

    /** Waits (bounded) for a request the engine has just decided to reach its order's projection. */
    public Optional<Found> await(String requestId, Duration bound) {
        return Polling.until(bound, () -> find(requestId));
    }

    /** Every request of this instance, oldest first (created at, then id). */
    public List<Found> all() {
        Set<String> orderIds = new LinkedHashSet<>();
        try (KeyValueIterator<String, String> it = index().all()) {
            it.forEachRemaining(kv -> orderIds.add(kv.value));
        }
        List<Found> found = new ArrayList<>();
        for (String orderId : orderIds) {
            orders.find(orderId).ifPresent(o -> o.getAllocations().stream().filter(AllocationProjection::getRequest)
                .forEach(a -> found.add(new Found(o, a))));
        }
        found.sort(Comparator.comparing((Found f) -> f.request().getCreatedAt()).thenComparing(f -> f.request().getAllocationId()));
        return found;
    }

    public static Optional<Found> requestOf(OrderProjection order, String requestId) {
        return order.getAllocations().stream().filter(a -> a.getRequest() && a.getAllocationId().equals(requestId))
            .findFirst().map(a -> new Found(order, a));
    }

    private ReadOnlyKeyValueStore<String, String> index() {
        KafkaStreams streams = runtime.streams();
        if (streams == null) {
            throw new EngineUnavailableException("the engine is starting");
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.ALLOCATION_REQUESTS,
                QueryableStoreTypes.<String, String>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new EngineUnavailableException("the allocation requests are not queryable yet: " + e.getMessage());
        }
    }
}
