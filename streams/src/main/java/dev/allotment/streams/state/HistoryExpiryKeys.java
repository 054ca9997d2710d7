package dev.allotment.streams.state;

import dev.allotment.streams.allocation.SortableDigits;
import java.time.Duration;
import java.time.Instant;

/**
 * Keys of the {@link StoreNames#ORDER_HISTORY_EXPIRY} store, which holds two kinds side by side: a due key (the time an
 * order's history is forgotten, then the order id) sorts by that time, so what is due is one range from the start; an
 * order key (per order, to its one due key) finds and replaces an order's entry without a scan. Due keys start with a
 * digit and order keys with {@code o}, so no order key ever falls in a due range.
 */
public final class HistoryExpiryKeys {
    private static final int DIGITS = 19;   // Long.MAX_VALUE has 19 digits
    private static final String ORDER = "order\u0000";

    private HistoryExpiryKeys() {}

    /** The due key of an order whose history is forgotten at {@code forgetAt} (times before the epoch count as the epoch). */
    public static String due(Instant forgetAt, String orderId) {
        return time(forgetAt) + '\u0000' + orderId;
    }

    /** The end (exclusive) of the due keys whose time is {@code now} or earlier; the range starts at the first key. */
    public static String dueBy(Instant now) {
        return time(now) + '\u0001';
    }

    /** The order key of {@code orderId}: its value is the order's due key. */
    public static String order(String orderId) {
        return ORDER + orderId;
    }

    /** When an order that became final at {@code finalAt} is forgotten; the furthest time a key can hold when past it. */
    public static Instant forgetAt(Instant finalAt, Duration retention) {
        try {
            return Instant.ofEpochMilli(Math.addExact(finalAt.toEpochMilli(), retention.toMillis()));
        } catch (ArithmeticException e) {   // a retention of millions of years: never, in practice
            return Instant.ofEpochMilli(Long.MAX_VALUE);
        }
    }

    private static String time(Instant at) {
        long millis;
        try {
            millis = Math.max(0, at.toEpochMilli());
        } catch (ArithmeticException e) {
            millis = at.isBefore(Instant.EPOCH) ? 0 : Long.MAX_VALUE;
        }
        return SortableDigits.padded(millis, DIGITS);
    }
}
