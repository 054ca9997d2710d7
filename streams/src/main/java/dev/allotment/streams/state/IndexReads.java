package dev.allotment.streams.state;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.order.Limits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The filtered lists of one partition, read from its secondary indexes ({@link IndexKeys}): each reads a range of an
 * index bounded by what it returns, then the indexed values from the partition's stores. An index is read only once it
 * is built (see {@link IndexKeys#BUILT}); before, the partition is "not queryable yet", and the read is asked again.
 */
final class IndexReads {
    /** Oldest first, as {@link EngineState#requests} lists them. */
    static final Comparator<FoundRequest> REQUEST_ORDER = Comparator.comparing((FoundRequest f) -> f.request().getCreatedAt())
        .thenComparing(f -> f.request().getAllocationId());

    private IndexReads() {}

    /** See {@link EngineState#requests}: this partition's first {@code limit}. */
    static List<FoundRequest> requests(ReadOnlyKeyValueStore<String, String> index, ReadOnlyKeyValueStore<String, OrderProjection> orders,
                                       Set<String> statuses, Set<String> locations, int limit) {
        built(index);
        // each prefix sorts by (created, id): the first limit of each, merged by that suffix, are the first limit of all
        TreeMap<String, String> first = new TreeMap<>();
        for (String status : statuses) {
            if (locations == null) {
                collect(index, IndexKeys.requestsWithStatus(status), limit, first);
            } else {
                for (String location : locations) {
                    collect(index, IndexKeys.requestsAt(location, status), limit, first);
                }
            }
        }
        List<FoundRequest> found = new ArrayList<>();
        for (Map.Entry<String, String> e : first.entrySet()) {
            if (found.size() == limit) {
                break;
            }
            String requestId = IndexKeys.last(e.getKey());   // the key is (created, request id), the value the order id
            OrderProjection order = orders.get(e.getValue());
            if (order == null) {
                continue;
            }
            for (AllocationProjection a : order.getAllocations()) {
                // the order is read after the index: a request that moved on since is left out, not shown under its old status
                if (a.getRequest() && a.getAllocationId().equals(requestId) && statuses.contains(a.getStatus())
                    && (locations == null || locations.contains(a.getLocationId()))) {
                    found.add(new FoundRequest(order, a));
                }
            }
        }
        found.sort(REQUEST_ORDER);
        return found;
    }

    /** See {@link EngineState#ordersAt}: this partition's. */
    static List<OrderProjection> ordersAt(ReadOnlyKeyValueStore<String, String> index,
                                          ReadOnlyKeyValueStore<String, OrderProjection> orders, String locationId,
                                          String after, String before, int limit) {
        built(index);
        List<OrderProjection> found = new ArrayList<>();
        String prefix = IndexKeys.allocationsAt(locationId);
        for (String orderId : before == null ? ids(index, prefix, after, limit + 1) : idsBefore(index, prefix, before, limit + 1)) {
            OrderProjection order = orders.get(orderId);
            if (order != null) {
                found.add(order);
            }
        }
        return found;
    }

    /** See {@link EngineState#stock(String, String, int)}: this partition's. */
    static List<SkuStock> stock(ReadOnlyKeyValueStore<String, String> index, ReadOnlyKeyValueStore<String, SkuStock> stock,
                                String locationId, String after, int limit) {
        List<SkuStock> found = new ArrayList<>();
        if (locationId == null) {
            try (KeyValueIterator<String, SkuStock> it = stock.range(after, null)) {
                while (it.hasNext() && found.size() <= limit) {
                    KeyValue<String, SkuStock> next = it.next();
                    if (!next.key.equals(after) && !shardKey(next.key)) {
                        found.add(next.value);
                    }
                }
            }
            return found;
        }
        built(index);
        String prefix = IndexKeys.stockAtPrefix(locationId);
        String from = after == null ? prefix : prefix + after;
        try (KeyValueIterator<String, String> it = index.range(from, IndexKeys.end(prefix))) {
            while (it.hasNext() && found.size() <= limit) {
                String key = it.next().key;
                if (!key.startsWith(prefix) || (after != null && key.equals(from))) {
                    continue;
                }
                String sku = key.substring(prefix.length());
                SkuStock s = shardKey(sku) ? null : stock.get(sku);
                if (s != null && s.getLocations().containsKey(locationId)) {
                    found.add(s);
                }
            }
        }
        return found;
    }

    /** A key of shard k &ge; 1 of a sharded SKU: listed as part of its SKU (home's key), not on its own. */
    private static boolean shardKey(String sku) {
        return sku.indexOf(Limits.SHARD_MARK) >= 0;
    }

    /** The last parts of up to {@code max} keys under {@code prefix}, after {@code after} (exclusive; null: from the first). */
    private static List<String> ids(ReadOnlyKeyValueStore<String, String> index, String prefix, String after, int max) {
        List<String> ids = new ArrayList<>();
        String from = after == null ? prefix : prefix + after;
        try (KeyValueIterator<String, String> it = index.range(from, IndexKeys.end(prefix))) {
            while (it.hasNext() && ids.size() < max) {
                KeyValue<String, String> next = it.next();
                if (next.key.startsWith(prefix) && (after == null || !next.key.equals(from))) {
                    ids.add(next.key.substring(prefix.length()));
                }
            }
        }
        return ids;
    }

    /** Up to {@code max} ids under {@code prefix} just before {@code before}, ascending. */
    private static List<String> idsBefore(ReadOnlyKeyValueStore<String, String> index, String prefix, String before, int max) {
        List<String> ids = new ArrayList<>();
        String to = prefix + before;
        try (KeyValueIterator<String, String> it = index.reverseRange(prefix, to)) {
            while (it.hasNext() && ids.size() < max) {
                KeyValue<String, String> next = it.next();
                if (next.key.startsWith(prefix) && !next.key.equals(to)) {
                    ids.add(next.key.substring(prefix.length()));
                }
            }
        }
        java.util.Collections.reverse(ids);
        return ids;
    }

    private static void collect(ReadOnlyKeyValueStore<String, String> index, String prefix, int max, Map<String, String> into) {
        int n = 0;
        try (KeyValueIterator<String, String> it = index.range(prefix, IndexKeys.end(prefix))) {
            while (it.hasNext() && n < max) {
                KeyValue<String, String> next = it.next();
                if (next.key.startsWith(prefix)) {
                    into.put(next.key.substring(prefix.length()), next.value);
                    n++;
                }
            }
        }
    }

    private static void built(ReadOnlyKeyValueStore<String, String> index) {
        if (index.get(IndexKeys.BUILT) == null) {
            throw new InvalidStateStoreException("an index of this partition is still being filled from its store");
        }
    }
}
