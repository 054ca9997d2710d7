package dev.allotment.streams.allocation;

import java.time.Instant;

/**
 * An entry of the expiry index: an allocation request's part (one order line) that times out at
 * {@code at} unless answered first. Keys sort by time, so the due entries are a prefix of the index.
 */
public record RequestExpiry(Instant at, String sku, String orderId, String lineId, String allocationId) {
    private static final char SEP = BookKeys.SEPARATOR;

    public String key() {
        return SortableDigits.padded(Math.max(0, at.toEpochMilli()), 19) + SEP + sku + SEP + orderId + SEP + lineId + SEP + allocationId;
    }

    public static RequestExpiry parse(String key) {
        String[] parts = key.split(String.valueOf(SEP), 5);
        if (parts.length != 5) {
            throw new IllegalArgumentException("not an expiry key: " + key.replace(SEP, '|'));
        }
        return new RequestExpiry(Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[1], parts[2], parts[3], parts[4]);
    }

    /** Whether the entry is due at {@code now}. */
    public boolean dueAt(Instant now) {
        return !at.isAfter(now);
    }
}
