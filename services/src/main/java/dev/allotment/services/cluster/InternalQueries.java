package dev.allotment.services.cluster;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.FoundRequest;
import dev.allotment.streams.state.StoreNames;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The queries one instance asks another on {@code GET /internal/state/{query}}: their names, the store and key param of
 * the keyed ones (a standby copy answers those only within the lag bound), and how each answer is framed. Both sides are
 * here, so that they cannot disagree.
 */
public final class InternalQueries {
    static final String ORDER = "order";
    static final String HISTORY = "history";
    static final String LINES = "lines";
    static final String WAITING = "waiting";
    static final String OUTCOME = "outcome";
    static final String STOCK = "stock";
    static final String REQUEST = "request";
    static final String ORDERS = "orders";
    static final String REQUESTS = "requests";
    static final String ORDERS_AT = "orders-at";
    static final String OUTCOMES = "outcomes";
    static final String STOCKS = "stocks";

    /** The store of each keyed query, whose {@code key} param names the partition. */
    private static final Map<String, String> KEYED_STORES = Map.of(ORDER, StoreNames.ORDERS, HISTORY,
        StoreNames.ORDER_HISTORY, LINES, StoreNames.LINE_RESERVATIONS, OUTCOME, StoreNames.COMMAND_OUTCOMES, STOCK,
        StoreNames.SKU_STOCK, WAITING, StoreNames.WAITING);

    /** The list queries, each over every local partition of the engine's order or SKU topic. */
    private static final Set<String> ORDER_LISTS = Set.of(ORDERS, REQUESTS, REQUEST, ORDERS_AT);
    private static final Set<String> SKU_LISTS = Set.of(OUTCOMES, STOCKS);

    private InternalQueries() {}

    /** The topic whose local partitions a list query covers; empty for a keyed query (or an unknown one). */
    public static Optional<String> listTopic(String query, Topics topics) {
        return ORDER_LISTS.contains(query) ? Optional.of(topics.orderEvents())
            : SKU_LISTS.contains(query) ? Optional.of(topics.stockEvents()) : Optional.empty();
    }

    /** The store whose copies a list query reads (their lag is the answer's): the orders' or the SKUs' main store. */
    static String listStore(String query) {
        if (ORDER_LISTS.contains(query)) {
            return StoreNames.ORDERS;
        }
        if (SKU_LISTS.contains(query)) {
            return StoreNames.SKU_STOCK;
        }
        throw new IllegalArgumentException("no list query " + query);
    }

    /** Partition numbers as one param ({@code 0,2,3}), as the {@code Allotment-Partitions} header names them. */
    static String partitions(Set<Integer> partitions) {
        return String.join(",", partitions.stream().sorted().map(String::valueOf).toList());
    }

    static Set<Integer> partitions(String param) {
        if (param == null || param.isBlank()) {
            throw new IllegalArgumentException("missing param partitions");
        }
        Set<Integer> partitions = new java.util.TreeSet<>();
        for (String p : param.split(",")) {
            try {
                partitions.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partitions is not a list of numbers: " + param);
            }
        }
        return partitions;
    }

    /** The store a keyed query reads, empty for a query of every local partition (or an unknown one). */
    public static Optional<String> keyedStore(String query) {
        return Optional.ofNullable(KEYED_STORES.get(query));
    }

    /**
     * {@code query} answered from {@code here} (this instance's stores), framed.
     *
     * @throws IllegalArgumentException for an unknown query or a missing param
     */
    public static byte[] answer(EngineState here, String query, Map<String, String> params) {
        return switch (query) {
            case ORDER -> records(here.order(param(params, "key")).stream().toList());
            case HISTORY -> records(here.history(param(params, "key")));
            case LINES -> records(here.lines(param(params, "key"), param(params, "order")));
            case WAITING -> records(here.waiting(param(params, "key"), limit(params)));
            case OUTCOME -> records(here.outcome(param(params, "key"), param(params, "command")).stream().toList());
            case STOCK -> records(here.stock(param(params, "key")).stream().toList());
            case REQUEST -> StateFrames.encode(here.request(param(params, "key")).stream().toList(),
                InternalQueries::writeFoundRequest);
            case ORDERS -> records(here.orders(params.get("after"), params.get("before"), limit(params)));
            case REQUESTS -> StateFrames.encode(here.requests(set(param(params, "statuses")),
                params.get("locations") == null ? null : set(params.get("locations")), limit(params)),
                InternalQueries::writeFoundRequest);
            case ORDERS_AT -> records(here.ordersAt(param(params, "location"), params.get("after"), params.get("before"),
                limit(params)));
            case OUTCOMES -> records(here.outcomesUnder(param(params, "prefix")));
            case STOCKS -> records(here.stock(params.get("location"), params.get("after"), limit(params)));
            default -> throw new IllegalArgumentException("no internal query " + query);
        };
    }

    /** A set of ids as one param: ids are one line each (none holds a line break). */
    static String set(Set<String> ids) {
        return String.join("\n", ids);
    }

    static Set<String> set(String param) {
        return param.isEmpty() ? Set.of() : Set.of(param.split("\n"));
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> byte[] records(List<T> values) {
        return StateFrames.encode(values, StateFrames.records());
    }

    private static String param(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing param " + name);
        }
        return value;
    }

    private static int limit(Map<String, String> params) {
        try {
            return Integer.parseInt(param(params, "limit"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit is not a number");
        }
    }

    /** A request travels as its order and its allocation id. */
    static void writeFoundRequest(FoundRequest found, StateFrames.Frame out) throws IOException {
        out.record(found.order());
        out.string(found.request().getAllocationId());
    }

    static FoundRequest readFoundRequest(StateFrames.Frame in) throws IOException {
        OrderProjection order = in.record(OrderProjection.class);
        String allocationId = in.string();
        AllocationProjection request = order.getAllocations().stream()
            .filter(a -> a.getAllocationId().equals(allocationId)).findFirst()
            .orElseThrow(() -> new IOException("order " + order.getOrderId() + " has no allocation " + allocationId));
        return new FoundRequest(order, request);
    }
}
