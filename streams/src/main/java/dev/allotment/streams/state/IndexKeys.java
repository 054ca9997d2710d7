package dev.allotment.streams.state;

import dev.allotment.streams.allocation.SortableDigits;
import java.time.Instant;

/**
 * Keys of the secondary indexes the topology keeps beside the orders and stock ({@link StoreNames#ORDER_INDEX},
 * {@link StoreNames#STOCK_INDEX}), so that a filtered list reads a range of an index instead of every order or SKU.
 * Every key starts with a one-letter family and separates its parts with {@link #SEPARATOR}, which sorts below every
 * other character: a prefix of parts is a prefix of keys, and within it keys sort by the next part. Times are padded
 * epoch milliseconds, so that byte order is time order.
 *
 * <ul>
 *   <li>{@code r|status|created|request id} to the order id: allocation requests by status, oldest first;</li>
 *   <li>{@code l|location|status|created|request id} to the order id: the same, at one location;</li>
 *   <li>{@code a|location|order id} to "": orders holding (or having completed) an allocation at a location;</li>
 *   <li>{@code s|location|sku} to "" (stock index): SKUs with stock recorded at a location.</li>
 * </ul>
 *
 * {@link #BUILT} marks an index complete for its partition: an index created beside an existing store is filled from it
 * first, and is not read until it is. The stock index also keeps its SKU task's {@link #COMMANDS_FENCE}.
 */
public final class IndexKeys {
    public static final char SEPARATOR = '\u0000';
    /** Present once the partition's index holds every entry of its store (see IndexBackfill). */
    public static final String BUILT = SEPARATOR + "built";
    /** While an index is being filled: the store key to resume after. */
    public static final String RESUME = SEPARATOR + "resume";
    /**
     * In the stock index: the offset of the task's partition of allotment.commands below which the engine's own commands
     * are still taken from it (an older release's, left there at the upgrade: CommandsFence).
     */
    public static final String COMMANDS_FENCE = SEPARATOR + "commands-fence";
    private static final int TIME_DIGITS = 15;

    private IndexKeys() {}

    public static String requestByStatus(String status, Instant created, String requestId) {
        return requestsWithStatus(status) + time(created) + SEPARATOR + requestId;
    }

    public static String requestsWithStatus(String status) {
        return "r" + SEPARATOR + status + SEPARATOR;
    }

    public static String requestAt(String location, String status, Instant created, String requestId) {
        return requestsAt(location, status) + time(created) + SEPARATOR + requestId;
    }

    public static String requestsAt(String location, String status) {
        return "l" + SEPARATOR + location + SEPARATOR + status + SEPARATOR;
    }

    public static String allocationAt(String location, String orderId) {
        return allocationsAt(location) + orderId;
    }

    public static String allocationsAt(String location) {
        return "a" + SEPARATOR + location + SEPARATOR;
    }

    public static String stockAt(String location, String sku) {
        return stockAtPrefix(location) + sku;
    }

    public static String stockAtPrefix(String location) {
        return "s" + SEPARATOR + location + SEPARATOR;
    }

    /** The last part of a key: the request id, order id or SKU it indexes. */
    public static String last(String key) {
        return key.substring(key.lastIndexOf(SEPARATOR) + 1);
    }

    /** The smallest key above every key that starts with {@code prefix} (an exclusive upper bound of its range). */
    public static String end(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) (SEPARATOR + 1);
    }

    private static String time(Instant at) {
        return SortableDigits.padded(at.toEpochMilli(), TIME_DIGITS);
    }
}
