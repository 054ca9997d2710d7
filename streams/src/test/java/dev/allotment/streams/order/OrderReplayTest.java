package dev.allotment.streams.order;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderReplayTest {
    private static AllocationEvent event(String id, Object payload) {
        AllocationEvent e = new AllocationEvent();
        e.setEventId(id);
        e.setOrderId("o-1");
        e.setPayload(payload);
        return e;
    }

    @Test
    void aHistoryIsWholeOnlyFromTheOrdersReservation() {
        AllocationEvent created = event("e-1", new ReservationCreated());
        AllocationEvent cancelled = event("e-2", new ReservationCancelled());
        assertTrue(OrderReplay.isWhole(List.of(created, cancelled)));
        assertFalse(OrderReplay.isWhole(List.of()), "forgotten");
        assertFalse(OrderReplay.isWhole(List.of(cancelled)), "forgotten, then a decision kept alone");
    }
}
