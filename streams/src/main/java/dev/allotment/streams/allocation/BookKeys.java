package dev.allotment.streams.allocation;

import dev.allotment.events.LineReservation;

/**
 * Store keys of a SKU's lines and waiting queue, built so that byte order is service order: all keys
 * of a SKU share its prefix, and a waiting key sorts by priority (highest first), then time placed.
 */
public final class BookKeys {
    public static final char SEPARATOR = '\u0000';

    private BookKeys() {}

    public static String skuPrefix(String sku) {
        return sku + SEPARATOR;
    }

    public static String orderPrefix(String sku, String orderId) {
        return skuPrefix(sku) + orderId + SEPARATOR;
    }

    public static String line(String sku, String orderId, String lineId) {
        return orderPrefix(sku, orderId) + lineId;
    }

    /** The key of {@code line} among its SKU's lines. */
    public static String line(LineReservation line) {
        return line(line.getSku(), line.getOrderId(), line.getLineId());
    }

    public static String waiting(LineReservation line) {
        long rank = (long) Integer.MAX_VALUE - line.getPriority();
        return skuPrefix(line.getSku()) + SortableDigits.padded(rank, 11) + SEPARATOR
            + SortableDigits.padded(line.getPlacedAt().toEpochMilli(), 15) + SEPARATOR
            + line.getOrderId() + SEPARATOR + line.getLineId();
    }
}
