package dev.allotment.streams.state;

import dev.allotment.streams.allocation.SortableDigits;

/**
 * Keys of the {@link StoreNames#ORDER_HISTORY} store: they sort by order, then by position in the decision log (all of an
 * order's events share one partition of allocation-events, so the offset is the order the live fold applied them in).
 */
public final class HistoryKeys {
    private static final int OFFSET_DIGITS = 19;

    private HistoryKeys() {}

    public static String of(String orderId, long offset) {
        return prefix(orderId) + SortableDigits.padded(offset, OFFSET_DIGITS);
    }

    /** The offset in the decision log that a history key names. */
    public static long offsetOf(String key) {
        return Long.parseLong(key, key.length() - OFFSET_DIGITS, key.length(), 10);
    }

    /** What every history key of the order starts with. */
    public static String prefix(String orderId) {
        return orderId + '\u0000';
    }
}
