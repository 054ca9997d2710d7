package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationKind;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderLineAdded;
import dev.allotment.events.RejectAllocationRequest;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Found by the fault suite (2026-12-07, CI of 2e89ec5): an order's two lines on two SKUs, both at a warehouse,
 * were re-routed to one supplier at different times; the supplier had rejected the request the first one made before
 * the second was re-routed, and the second joined it under the same id ({@code <base>@<site>}), so the request was
 * rejected on one SKU and pending on the other, and a confirm of it (a group over both SKUs) was refused for good.
 * A part routed after the order's placement is now a request of its own ({@code Router}'s id scheme).
 */
class RequestAfterRejectTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    @Test
    void aLineReRoutedToASupplierAfterItRejectedTheOrdersRequestGetsARequestOfItsOwn() throws Exception {
        fixture = TopologyFixture.start("grows-test", StreamsConfig.EXACTLY_ONCE_V2, T0);
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.location(TopologyFixture.site("sup-c", LocationKind.SUPPLIER, ConfirmMode.CONFIRM, 3600, true));
        fixture.routing("web", List.of("wh-a", "sup-c"));
        fixture.stockSet("wh-a", "S1", 1);
        fixture.stockSet("wh-a", "S2", 1);
        fixture.stockSet("sup-c", "S1", 5);
        fixture.stockSet("sup-c", "S2", 5);
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 1), new OrderLine("l-2", "S2", 1));

        fixture.stockSet("wh-a", "S1", 0);   // l-1 leaves the warehouse for the supplier
        String first = requestsAt("sup-c").get(0).getAllocationId();
        fixture.commands.pipeInput("S1", new Command("reject-1", T0, "supplier-1", "o-1",
            new RejectAllocationRequest(first, "no"), null));
        fixture.stockSet("wh-a", "S2", 0);   // l-2 leaves it too, after the supplier answered l-1's request

        List<AllocationProjection> atSupplier = requestsAt("sup-c");
        String second = atSupplier.stream().filter(a -> a.getLines().stream().anyMatch(l -> l.getLineId().equals("l-2")))
            .findFirst().orElseThrow().getAllocationId();
        assertNotEquals(first, second, "a request the supplier has answered must not grow a new line behind its back");
        assertEquals("rejected", status(first));

        fixture.commands.pipeInput("S2", new Command("confirm-2", T0, "supplier-1", "o-1",
            new ConfirmAllocationRequest(second), null));
        assertEquals("confirmed", status(second), "the supplier can confirm the request it was sent");
        assertEquals("rejected", status(first));
    }

    @Test
    void aLineAddedToThePlacedOrderIsARequestOfItsOwnNotPartOfTheOneThePlacementMade() throws Exception {
        fixture = TopologyFixture.start("grows-test", StreamsConfig.EXACTLY_ONCE_V2, T0);
        fixture.location(TopologyFixture.site("sup-c", LocationKind.SUPPLIER, ConfirmMode.CONFIRM, 3600, true));
        fixture.routing("web", List.of("sup-c"));
        fixture.stockSet("sup-c", "S1", 5);
        fixture.stockSet("sup-c", "S2", 5);
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 1));
        String placed = requestsAt("sup-c").get(0).getAllocationId();
        fixture.commands.pipeInput("S1", new Command("confirm-1", T0, "supplier-1", "o-1",
            new ConfirmAllocationRequest(placed), null));

        fixture.orders.pipeInput("o-1", new OrderEvent("edit-1", T0.plusSeconds(1), null,
            new OrderLineAdded("o-1", new OrderLine("l-2", "S2", 1))));

        List<AllocationProjection> atSupplier = requestsAt("sup-c");
        assertEquals(2, atSupplier.size(), "two requests: " + atSupplier);
        assertEquals("confirmed", status(placed));
        String added = atSupplier.stream().filter(a -> !a.getAllocationId().equals(placed)).findFirst().orElseThrow()
            .getAllocationId();
        assertEquals("allocated", status(added), "told to no one yet: the supplier will be sent it");
    }

    private String status(String allocationId) {
        return requestsAt("sup-c").stream().filter(a -> a.getAllocationId().equals(allocationId)).findFirst()
            .orElseThrow().getStatus();
    }

    private List<AllocationProjection> requestsAt(String location) {
        return fixture.order("o-1").getAllocations().stream().filter(a -> a.getLocationId().equals(location)).toList();
    }
}
