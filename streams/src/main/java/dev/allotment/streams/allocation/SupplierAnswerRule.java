package dev.allotment.streams.allocation;

import java.util.Optional;

/**
 * Crux's quantity rule for a supplier's answer, one pure function shared by the engine ({@link SupplierAnswers}) and the
 * HTTP edge (which checks it against the order's projection before sending anything): a line's answer accounts for
 * exactly what was requested of the supplier, the open quantity of its answerable parts ({@link PartStatus#openQuantity}).
 */
public final class SupplierAnswerRule {
    private SupplierAnswerRule() {}

    /** Why the answer does not add up to {@code requested}; empty when it does. {@code acceptedAs}: the client's word for accepted. */
    public static Optional<String> quantityMismatch(String lineId, String acceptedAs, int accepted, int rejected,
                                                    int backordered, long requested) {
        long answered = (long) accepted + rejected + backordered;   // in long: three quantities add up past the int range
        if (answered == requested) {
            return Optional.empty();
        }
        return Optional.of("line " + lineId + ": " + acceptedAs + " " + accepted + " + rejected " + rejected + " + backordered "
            + backordered + " = " + answered + ", but " + requested + " was requested");
    }
}
