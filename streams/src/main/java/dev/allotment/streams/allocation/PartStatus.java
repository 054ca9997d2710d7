package dev.allotment.streams.allocation;

import java.util.List;

/**
 * Where one line's part of an allocation stands (DESIGN §3): a direct allocation is {@code allocated} until
 * {@code completed}; an allocation request goes {@code allocated} → {@code sent} | {@code failed} → {@code confirmed} |
 * {@code rejected} | {@code timed-out} | {@code backordered}, and {@code outdated} once superseded. On the wire (Avro
 * strings in line reservations, decision events and projections) a status is its {@link #wire()} name.
 */
public enum PartStatus {
    ALLOCATED("allocated"),
    SENT("sent"),
    FAILED("failed"),
    CONFIRMED("confirmed"),
    REJECTED("rejected"),
    TIMED_OUT("timed-out"),
    OUTDATED("outdated"),
    BACKORDERED("backordered"),
    COMPLETED("completed");

    private final String wire;

    PartStatus(String wire) {
        this.wire = wire;
    }

    /** The name on the wire and in every answer. */
    public String wire() {
        return wire;
    }

    /** The status of a wire name; refuses a name no version of the engine wrote. */
    public static PartStatus of(String wire) {
        return switch (wire) {
            case "allocated" -> ALLOCATED;
            case "sent" -> SENT;
            case "failed" -> FAILED;
            case "confirmed" -> CONFIRMED;
            case "rejected" -> REJECTED;
            case "timed-out" -> TIMED_OUT;
            case "outdated" -> OUTDATED;
            case "backordered" -> BACKORDERED;
            case "completed" -> COMPLETED;
            default -> throw new IllegalArgumentException("not a part status: '" + wire + "'");
        };
    }

    /** Whether the part holds stock at its location (and counts in its line's allocated quantity). */
    public boolean holdsStock() {
        return this == ALLOCATED || this == SENT || this == FAILED || this == CONFIRMED || this == BACKORDERED;
    }

    /** A request waiting for its supplier's answer (meaningful for confirm parts only). */
    public boolean isPending() {
        return this == ALLOCATED || this == SENT || this == FAILED;
    }

    /** Whether a supplier may still answer a request part: pending, backordered, or timed-out (while its line's flow goes on). */
    public boolean isAnswerable() {
        return isPending() || this == BACKORDERED || this == TIMED_OUT;
    }

    /** A request part that holds nothing any more: timed out (still confirmable), rejected or outdated. */
    public boolean isReleased() {
        return this == TIMED_OUT || this == REJECTED || this == OUTDATED;
    }

    /** Whether the part's quantity is final: completed, confirmed, or held at a direct location. */
    public boolean isFinal(boolean confirm) {
        return this == COMPLETED || (holdsStock() && (!confirm || this == CONFIRMED));
    }

    /**
     * What a supplier's answer settles of a part: a backorder's backordered units, else all of it. Never more than the
     * part holds: a backorder cut by a lower line quantity before its release kept its backordered count (fixed in
     * {@code Ledger.release}), and such a part may still be in a store.
     */
    public int openQuantity(int quantity, int backordered) {
        return this == BACKORDERED ? Math.min(backordered, quantity) : quantity;
    }

    /** The statuses as their wire names, in declaration order. */
    public static List<String> wireNames() {
        return java.util.Arrays.stream(values()).map(PartStatus::wire).toList();
    }
}
