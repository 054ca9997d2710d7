package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.LineAllocation;
import dev.allotment.events.LineReservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A supplier's answer to a request goes to every SKU whose lines hold a part of it, as those SKUs' own partitions say,
 * whatever the order's projection has folded so far (the fault suite's two-line request confirmed on one SKU only).
 */
class RequestSkusTest {
    private static final Instant T = Instant.parse("2026-12-02T00:00:00Z");

    private static LineReservation line(String sku, String lineId, String... allocationIds) {
        List<LineAllocation> parts = new ArrayList<>();
        for (String id : allocationIds) {
            parts.add(LineAllocation.newBuilder().setAllocationId(id).setLocationId("sup-c").setQuantity(1).setStatus("allocated")
                .setCreatedAt(T).setCompletedAt(null).setConfirm(true).setExpiresAt(null).build());
        }
        return LineReservation.newBuilder().setOrderId("o-1").setLineId(lineId).setSku(sku).setQuantity(1).setAllocatedQuantity(1)
            .setChannel("web").setPriority(0).setPlacedAt(T).setCancelled(false).setWaiting(false).setAllocations(parts)
            .setDeclinedLocations(new ArrayList<>()).setAllocationBase(null).build();
    }

    @Test
    void everySkuWhoseLinesHoldAPartOfTheRequestAndNoOther() {
        Map<String, List<LineReservation>> stores = Map.of(
            "F-5", List.of(line("F-5", "l-0", "al-o-1@sup-c")),
            "F-3", List.of(line("F-3", "l-1", "al-o-1@wh-a", "al-o-1@sup-c")),
            "F-9", List.of(line("F-9", "l-2", "al-o-1@wh-a")));

        Set<String> skus = RequestSkus.holding("al-o-1@sup-c", "o-1", List.of("F-5", "F-3", "F-9", "F-0"),
            (sku, order) -> stores.getOrDefault(sku, List.of()));

        assertEquals(List.of("F-5", "F-3"), List.copyOf(skus), "both lines' SKUs, in the order's order; not the line elsewhere");
    }

    @Test
    void noSkuForARequestTheOrderDoesNotHold() {
        assertEquals(Set.of(), RequestSkus.holding("al-o-1@sup-x", "o-1", List.of("F-5"),
            (sku, order) -> List.of(line("F-5", "l-0", "al-o-1@sup-c"))));
    }
}
