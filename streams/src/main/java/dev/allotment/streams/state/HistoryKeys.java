package dev.allotment.streams.state;

import dev.allotment.streams.allocation.SortableDigits;

/**
 * Keys of the {@link StoreNames#ORDER_HISTORY} store: they sort by order, then by position in the decision log (all of an
 * order's events share one partition of allocation-events, so the offset is the order the live fold applied them in).
 */
public final class HistoryKeys {
    private HistoryKeys() {}

    public static String of(String orderId, long offset) {
        return prefix(orderId) + SortableDigits.padded(offset, 19);
    }

    /** What every history key of the order starts with. */
    public static String prefix(String orderId) {
        return orderId + '\u0000';
    }
}
