package dev.allotment.streams.allocation;

/**
 * Why the engine refused a command or a stock change, as clients see it: the code on the wire ({@code CommandOutcome.code},
 * {@code CommandRejected.code}, the {@code error} of an HTTP answer) and the HTTP status it is answered with. 409: the
 * state is in the way (retrying later may succeed); 404: the thing named does not exist; 422: the request itself cannot be
 * applied as it stands.
 */
public enum RefusalCode {
    INVALID_QUANTITY("invalid_quantity", 422),
    /** An id or a free text the edge would have refused ({@code Limits}): the record came straight from Kafka. */
    INVALID_FIELD("invalid_field", 422),
    /** No longer given (a count below what is allocated stands, {@link Shortfall}); kept so outcomes and dead letters written before read. */
    BELOW_ALLOCATED("below_allocated", 409),
    UNSUPPORTED("unsupported", 422),
    WRONG_KEY("wrong_key", 422),
    UNKNOWN_LOCATION("unknown_location", 422),
    UNKNOWN_LINE("unknown_line", 422),
    OVER_QUANTITY("over_quantity", 422),
    DUPLICATE_LINE("duplicate_line", 422),
    INSUFFICIENT_STOCK("insufficient_stock", 409),
    ORDER_CANCELLED("order_cancelled", 409),
    UNKNOWN_ALLOCATION("unknown_allocation", 404),
    ALLOCATION_COMPLETED("allocation_completed", 409),
    NOT_A_REQUEST("not_a_request", 422),
    REQUEST_CONFIRMED("request_confirmed", 409),
    REQUEST_REJECTED("request_rejected", 409),
    REQUEST_OUTDATED("request_outdated", 409),
    LINE_FULLY_ALLOCATED("line_fully_allocated", 409),
    NOT_ACTIONABLE("not_actionable", 409),
    QUANTITY_MISMATCH("quantity_mismatch", 422),
    /** A line is held by a part of a multi-SKU command whose group is not decided yet. */
    IN_PROGRESS("in_progress", 409),
    /** A cart hold id given again with another quantity or channel. */
    HOLD_CONFLICT("hold_conflict", 409),
    /** A multi-SKU command whose parts did not all answer their coordinator in time: none applied. */
    COMMAND_TIMED_OUT("command_timed_out", 409);

    private final String wire;
    private final int httpStatus;

    RefusalCode(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    public String wire() {
        return wire;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The HTTP status of a code read from the wire: 409 when there is none, 422 for a code this version does not know. */
    public static int httpStatusOf(String wire) {
        if (wire == null) {
            return 409;
        }
        for (RefusalCode code : values()) {
            if (code.wire.equals(wire)) {
                return code.httpStatus;
            }
        }
        return 422;
    }
}
