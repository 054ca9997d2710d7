package dev.allotment.streams.allocation;

import static dev.allotment.streams.allocation.DeskFixture.SKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationConfirmed;
import dev.allotment.events.AllocationMode;
import dev.allotment.events.AllocationRejected;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.CommandRejected;
import dev.allotment.events.LineBackordered;
import dev.allotment.events.RequestLineState;
import dev.allotment.events.ReservationCancelled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DecisionEvents}: what any decision event says about the allocation it names, read by field name. */
class DecisionEventsTest {
    private static final RequestLineState CONFIRMED = RequestLineState.newBuilder().setLineId("l-1").setSku(SKU).setQuantity(2)
        .setStatus("confirmed").setLineAllocatedQuantity(2).build();

    @Test
    void aDecisionAboutAnAllocationNamesIt() {
        assertEquals("al-1", DecisionEvents.allocationIdOf(new AllocationConfirmed("al-1", List.of(CONFIRMED))));
        assertEquals("al-2", DecisionEvents.allocationIdOf(AllocationRequested.newBuilder().setAllocationId("al-2")
            .setLocationId("wh-a").setConfirmMode(AllocationMode.DIRECT).setLines(List.of(new AllocatedLine("l-1", SKU, 1)))
            .build()));
    }

    @Test
    void aDecisionAboutNoAllocationNamesNone() {
        assertNull(DecisionEvents.allocationIdOf(new ReservationCancelled("customer request")));
        assertNull(DecisionEvents.allocationIdOf(new CommandRejected("unknown_line", "no line l-9")));
        assertNull(DecisionEvents.allocationIdOf(LineBackordered.newBuilder().setLineId("l-1").setSku(SKU).setQuantity(2).build()),
            "a line waiting for stock is at no location yet");
        assertNull(DecisionEvents.allocationIdOf("not an event"));
    }

    @Test
    void theStatesOfARequestsLinesAreReadWhereADecisionSetsThem() {
        assertEquals(List.of(CONFIRMED), DecisionEvents.statesOf(new AllocationConfirmed("al-1", List.of(CONFIRMED))));
        assertEquals(List.of(), DecisionEvents.statesOf(new ReservationCancelled(null)));
        assertEquals(List.of(), DecisionEvents.statesOf("not an event"));
    }

    @Test
    void theDesksRejectionCarriesTheLinesStateAfterItAndItsReRouteNamesTheNewRequest() {
        DeskFixture f = new DeskFixture();
        String request = f.requestAtSupplier("o-1", 2);
        f.markSent("o-1", request);
        f.reject("o-1", request);   // rejected, then re-routed to the untracked supplier

        assertEquals(List.of("AllocationRejected", "AllocationRequested"), f.kinds());
        assertEquals(request, DecisionEvents.allocationIdOf(f.decidedOne(AllocationRejected.class)));
        RequestLineState rejected = DecisionEvents.statesOf(f.decidedOne(AllocationRejected.class)).get(0);
        assertEquals(List.of("rejected", 0), List.of(rejected.getStatus(), rejected.getLineAllocatedQuantity()));
        assertEquals("al-o-1@sup-e~l-1~1", DecisionEvents.allocationIdOf(f.decidedOne(AllocationRequested.class)));
    }
}
