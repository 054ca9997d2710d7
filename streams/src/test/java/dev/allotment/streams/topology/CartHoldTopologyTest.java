package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.HoldPlaced;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cart holds through the real topology: held in the stock levels, converted by an order line, expired by punctuation. */
class CartHoldTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    void start(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee);
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.routing("web", List.of("wh-a"));
        fixture.stockSet("wh-a", "S1", 3);
        fixture.stockLevels.readValuesToList();
    }

    /** A hold placed now: its time to live counts from its event's time, as the records' own times (the input's clock) go. */
    void hold(String holdId, int quantity, int ttlSeconds) {
        fixture.stock.pipeInput("S1", new StockEvent("hold-" + holdId, Instant.now(), "hold:" + holdId, null,
            new HoldPlaced(holdId, "S1", quantity, "web", ttlSeconds)));
    }

    StockLevel lastLevel() {
        return fixture.stockLevels.readValuesToList().stream().reduce((a, b) -> b).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aHoldIsHeldInTheStockLevelsAndAnOrderLineNamingItConvertsIt(String guarantee) throws Exception {
        start(guarantee);
        hold("h-1", 2, 600);
        StockLevel held = lastLevel();
        assertEquals(List.of(3, 0, 2, 1), List.of(held.getPhysical(), held.getAllocated(), held.getHeld(), held.getAvailable()));
        assertTrue(fixture.outcome("hold:h-1").getAccepted());
        hold("h-2", 2, 600);
        assertEquals("insufficient_stock", fixture.outcome("hold:h-2").getCode());

        fixture.orders.pipeInput("o-1", new OrderEvent("placed-o-1", T0, null, OrderPlaced.newBuilder().setOrderId("o-1")
            .setChannel("web").setPlacedAt(T0).setLines(List.of(new OrderLine("l-1", "S1", 2))).setLineHolds(Map.of("l-1", "h-1")).build()));

        assertEquals(OrderStatus.ALLOCATED, fixture.order("o-1").getStatus());
        AllocationRequested converted = fixture.allocationEvents.readValuesToList().stream().map(AllocationEvent::getPayload)
            .filter(AllocationRequested.class::isInstance).map(AllocationRequested.class::cast).findFirst().orElseThrow();
        assertEquals("hold h-1 converted", converted.getReason());
        StockLevel after = lastLevel();
        assertEquals(List.of(3, 2, 0, 1), List.of(after.getPhysical(), after.getAllocated(), after.getHeld(), after.getAvailable()));
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aHoldPastItsTimeToLiveIsGivenBackByThePunctuationAndServesWaitingDemand(String guarantee) throws Exception {
        start(guarantee);
        hold("h-1", 3, 5);
        fixture.place("o-1", "web", new OrderLine("l-1", "S1", 1));
        assertEquals(OrderStatus.RESERVED, fixture.order("o-1").getStatus(), "everything is held");

        fixture.driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertEquals(3, lastLevel().getHeld(), "not yet: the hold's time is measured from its event");
        fixture.driver.advanceWallClockTime(Duration.ofDays(1));

        assertEquals(OrderStatus.ALLOCATED, fixture.order("o-1").getStatus(), "what the hold gave back served the waiting line");
        StockLevel after = lastLevel();
        assertEquals(List.of(1, 0, 2), List.of(after.getAllocated(), after.getHeld(), after.getAvailable()));
    }
}
