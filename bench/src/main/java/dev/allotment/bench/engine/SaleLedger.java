package dev.allotment.bench.engine;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the decision log says about each SKU: units allocated per location, units backordered, and which (order, line)
 * pairs were allocated, so a line allocated a second time shows. Fed by the decision watcher (one thread); read once
 * the decisions of a sale are all in.
 */
public final class SaleLedger {
    /** The decision log's account of one SKU. */
    public record Tally(long allocated, long backordered, Map<String, Long> allocatedAt, long linesAllocated,
                        long linesAllocatedAgain) {}

    private static final class Book {
        final Map<String, Long> allocatedAt = new TreeMap<>();
        final Set<String> lines = new HashSet<>();
        long allocated;
        long backordered;
        long again;
    }

    private final ConcurrentHashMap<String, Book> books = new ConcurrentHashMap<>();

    public void decided(String orderId, String lineId, String sku, String locationId, int units, boolean allocated) {
        Book b = books.computeIfAbsent(sku, k -> new Book());
        synchronized (b) {
            if (!allocated) {
                b.backordered += units;
                return;
            }
            b.allocated += units;
            b.allocatedAt.merge(locationId, (long) units, Long::sum);
            if (!b.lines.add(orderId + "\u0000" + lineId)) {
                b.again++;
            }
        }
    }

    /** The account of {@code sku} so far (all zero when the log never named it). */
    public Tally tally(String sku) {
        Book b = books.get(sku);
        if (b == null) {
            return new Tally(0, 0, Map.of(), 0, 0);
        }
        synchronized (b) {
            return new Tally(b.allocated, b.backordered, Map.copyOf(b.allocatedAt), b.lines.size(), b.again);
        }
    }
}
