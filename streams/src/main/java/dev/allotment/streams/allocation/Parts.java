package dev.allotment.streams.allocation;

import dev.allotment.events.LineAllocation;

/** A line's allocation parts ({@link LineAllocation}) read through their {@link PartStatus} and confirm flag. */
public final class Parts {
    /** Newest first (then the greater id): the order in which a line's parts give way. */
    static final java.util.Comparator<LineAllocation> NEWEST_FIRST = java.util.Comparator
        .comparing(LineAllocation::getCreatedAt, java.util.Comparator.reverseOrder())
        .thenComparing(LineAllocation::getAllocationId, java.util.Comparator.reverseOrder());

    private Parts() {}

    public static PartStatus status(LineAllocation p) {
        return PartStatus.of(p.getStatus());
    }

    static void setStatus(LineAllocation p, PartStatus status) {
        p.setStatus(status.wire());
    }

    /** Whether the part holds stock at its location (and counts in its line's allocated quantity). */
    public static boolean holds(LineAllocation p) {
        return status(p).holdsStock();
    }

    /** A request waiting for its supplier's answer. */
    public static boolean isPending(LineAllocation p) {
        return p.getConfirm() && status(p).isPending();
    }

    /** Whether the supplier may still answer the part: pending, backordered or timed-out. */
    public static boolean isAnswerable(LineAllocation p) {
        return p.getConfirm() && status(p).isAnswerable();
    }

    /** A timed-out request: released and re-routed, yet still confirmable while its line's flow goes on. */
    public static boolean isShadow(LineAllocation p) {
        return status(p) == PartStatus.TIMED_OUT;
    }

    public static boolean isCompleted(LineAllocation p) {
        return status(p) == PartStatus.COMPLETED;
    }

    /** Final quantity: a direct allocation, a confirmed or a completed one. */
    public static boolean isFinal(LineAllocation p) {
        return status(p).isFinal(p.getConfirm());
    }

    /**
     * A part's backordered units once {@code released} of its units have given way: the backordered ones go first (they
     * are not yet on their way), so a part never shows more backordered than it holds.
     */
    public static int backorderedAfterRelease(int backordered, int released) {
        return Math.max(0, backordered - released);
    }

    /** What a supplier's answer settles of the part: a backorder's backordered units, else all of it. */
    public static int openQuantity(LineAllocation p) {
        return status(p).openQuantity(p.getQuantity(), p.getBackorderedQuantity());
    }
}
