package dev.allotment.bench.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the decision log says about each SKU: units allocated per location, which (order, line) pairs were allocated
 * (so a line allocated a second time shows), and which were backordered. A line backordered and allocated later counts
 * as allocated and as {@code filledAfterBackorder}: with a SKU in shards, a line that reached a dry shard is backordered
 * there and filled when the rebalancing brings it units. Fed by the decision watcher (one thread); read once the
 * decisions of a sale are all in.
 */
public final class SaleLedger {
    /**
     * The decision log's account of one SKU: {@code backordered} are the units of lines backordered and never allocated
     * afterwards.
     */
    public record Tally(long allocated, long backordered, Map<String, Long> allocatedAt, long linesAllocated,
                        long linesAllocatedAgain, long filledAfterBackorder) {}

    private static final class Book {
        final Map<String, Long> allocatedAt = new TreeMap<>();
        final Set<String> lines = new HashSet<>();
        final Map<String, Integer> backorderedLines = new HashMap<>();
        long allocated;
        long again;
    }

    private final ConcurrentHashMap<String, Book> books = new ConcurrentHashMap<>();

    public void decided(String orderId, String lineId, String sku, String locationId, int units, boolean allocated) {
        Book b = books.computeIfAbsent(sku, k -> new Book());
        String line = orderId + "\u0000" + lineId;
        synchronized (b) {
            if (!allocated) {
                b.backorderedLines.merge(line, units, Integer::sum);
                return;
            }
            b.allocated += units;
            b.allocatedAt.merge(locationId, (long) units, Long::sum);
            if (!b.lines.add(line)) {
                b.again++;
            }
        }
    }

    /** Whether the log backordered this line of {@code sku} (and so an allocation of it now fills it later). */
    public boolean backordered(String orderId, String lineId, String sku) {
        Book b = books.get(sku);
        if (b == null) {
            return false;
        }
        synchronized (b) {
            return b.backorderedLines.containsKey(orderId + "\u0000" + lineId);
        }
    }

    /** The account of {@code sku} so far (all zero when the log never named it). */
    public Tally tally(String sku) {
        Book b = books.get(sku);
        if (b == null) {
            return new Tally(0, 0, Map.of(), 0, 0, 0);
        }
        synchronized (b) {
            long backordered = 0;
            long filledLater = 0;
            for (Map.Entry<String, Integer> e : b.backorderedLines.entrySet()) {
                if (b.lines.contains(e.getKey())) {
                    filledLater++;
                } else {
                    backordered += e.getValue();
                }
            }
            return new Tally(b.allocated, backordered, Map.copyOf(b.allocatedAt), b.lines.size(), b.again, filledLater);
        }
    }
}
