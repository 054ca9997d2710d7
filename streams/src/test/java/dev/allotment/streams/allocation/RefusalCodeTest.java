package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link RefusalCode}: why a command was refused, as clients see it. 409 when the state is in the way, 404 when the thing
 * named does not exist, 422 when the request cannot be applied as it stands.
 */
class RefusalCodeTest {

    private static Set<RefusalCode> answeredWith(int httpStatus) {
        return Arrays.stream(RefusalCode.values()).filter(c -> c.httpStatus() == httpStatus)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(RefusalCode.class)));
    }

    @Test
    void theStateInTheWayIsAConflict() {
        assertEquals(EnumSet.of(RefusalCode.BELOW_ALLOCATED, RefusalCode.INSUFFICIENT_STOCK, RefusalCode.ORDER_CANCELLED,
            RefusalCode.ALLOCATION_COMPLETED, RefusalCode.REQUEST_CONFIRMED, RefusalCode.REQUEST_REJECTED,
            RefusalCode.REQUEST_OUTDATED, RefusalCode.LINE_FULLY_ALLOCATED, RefusalCode.NOT_ACTIONABLE, RefusalCode.IN_PROGRESS,
            RefusalCode.COMMAND_TIMED_OUT, RefusalCode.HOLD_CONFLICT), answeredWith(409));
    }

    @Test
    void onlyAnUnknownAllocationIsNotFound() {
        assertEquals(EnumSet.of(RefusalCode.UNKNOWN_ALLOCATION), answeredWith(404));
    }

    @Test
    void everyOtherCodeIsARequestThatCannotBeApplied() {
        assertEquals(EnumSet.of(RefusalCode.INVALID_QUANTITY, RefusalCode.INVALID_FIELD, RefusalCode.UNSUPPORTED, RefusalCode.WRONG_KEY,
            RefusalCode.UNKNOWN_LOCATION, RefusalCode.UNKNOWN_LINE, RefusalCode.OVER_QUANTITY, RefusalCode.DUPLICATE_LINE, RefusalCode.NOT_A_REQUEST,
            RefusalCode.QUANTITY_MISMATCH), answeredWith(422));
    }

    @Test
    void aCodeReadFromTheWireIsAnsweredWithItsStatus() {
        for (RefusalCode code : RefusalCode.values()) {
            assertEquals(code.httpStatus(), RefusalCode.httpStatusOf(code.wire()), code::wire);
            assertTrue(code.wire().matches("[a-z_]+"), code::wire);
        }
        assertEquals(409, RefusalCode.httpStatusOf(null), "no code: a conflict");
        assertEquals(422, RefusalCode.httpStatusOf("made_up_later"), "a code this version does not know");
        assertEquals(422, RefusalCode.httpStatusOf("UNKNOWN_ALLOCATION"), "wire names are lower case");
    }
}
