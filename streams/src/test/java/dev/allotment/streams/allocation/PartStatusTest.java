package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.PartStatus.ALLOCATED;
import static dev.allotment.streams.allocation.PartStatus.BACKORDERED;
import static dev.allotment.streams.allocation.PartStatus.COMPLETED;
import static dev.allotment.streams.allocation.PartStatus.CONFIRMED;
import static dev.allotment.streams.allocation.PartStatus.FAILED;
import static dev.allotment.streams.allocation.PartStatus.OUTDATED;
import static dev.allotment.streams.allocation.PartStatus.REJECTED;
import static dev.allotment.streams.allocation.PartStatus.SENT;
import static dev.allotment.streams.allocation.PartStatus.TIMED_OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link PartStatus}: where one line's part of an allocation stands, and what each status allows. */
class PartStatusTest {

    private static Set<PartStatus> where(Predicate<PartStatus> holds) {
        return Arrays.stream(PartStatus.values()).filter(holds).collect(Collectors.toCollection(() -> EnumSet.noneOf(PartStatus.class)));
    }

    @Test
    void aPartHoldsStockFromAllocationUntilItIsCompletedOrReleased() {
        assertEquals(EnumSet.of(ALLOCATED, SENT, FAILED, CONFIRMED, BACKORDERED), where(PartStatus::holdsStock));
    }

    @Test
    void aRequestIsPendingUntilItsSupplierAnswersAndAnswerableWhileItMayStillChangeItsMind() {
        assertEquals(EnumSet.of(ALLOCATED, SENT, FAILED), where(PartStatus::isPending));
        assertEquals(EnumSet.of(ALLOCATED, SENT, FAILED, BACKORDERED, TIMED_OUT), where(PartStatus::isAnswerable));
    }

    @Test
    void aTimedOutRejectedOrOutdatedPartHoldsNothing() {
        assertEquals(EnumSet.of(TIMED_OUT, REJECTED, OUTDATED), where(PartStatus::isReleased));
        assertEquals(EnumSet.noneOf(PartStatus.class), where(s -> s.isReleased() && s.holdsStock()));
    }

    @Test
    void aDirectPartIsFinalWhileItHoldsStockAndARequestOnlyOnceConfirmed() {
        assertEquals(EnumSet.of(ALLOCATED, SENT, FAILED, CONFIRMED, BACKORDERED, COMPLETED), where(s -> s.isFinal(false)));
        assertEquals(EnumSet.of(CONFIRMED, COMPLETED), where(s -> s.isFinal(true)));
    }

    @Test
    void anAnswerSettlesABackordersBackorderedUnitsAndAnyOtherPartWhole() {
        assertEquals(2, BACKORDERED.openQuantity(5, 2));
        assertEquals(Set.of(5), Arrays.stream(PartStatus.values()).filter(s -> s != BACKORDERED)
            .map(s -> s.openQuantity(5, 2)).collect(Collectors.toSet()));
    }

    @Test
    void everyStatusRoundTripsThroughItsWireName() {
        for (PartStatus status : PartStatus.values()) {
            assertEquals(status, PartStatus.of(status.wire()));
        }
        assertEquals(List.of("allocated", "sent", "failed", "confirmed", "rejected", "timed-out", "outdated", "backordered",
            "completed"), PartStatus.wireNames());
        assertThrows(IllegalArgumentException.class, () -> PartStatus.of("TIMED_OUT"));
        assertThrows(IllegalArgumentException.class, () -> PartStatus.of("pending"));
    }
}
