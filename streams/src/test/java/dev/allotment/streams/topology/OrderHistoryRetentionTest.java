package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderStatus;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.events.UpdateAllocation;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With an order history retention, a completed or cancelled order's history is forgotten by the wall-clock punctuation
 * once the retention has passed since the order became final, through an index sorted by time that is empty afterwards;
 * its projection stays. An open order keeps its history, and without a retention nothing is ever forgotten.
 */
class OrderHistoryRetentionTest {
    private static final Duration RETENTION = Duration.ofHours(1);
    @AutoClose
    private TopologyFixture fixture;

    /** The topology with the wall clock at T0, a direct warehouse holding 10 of S1 on the web channel. */
    private void start(String guarantee, Duration retention) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee, T0,
            TopologySettings.DEFAULTS.withOrderHistoryRetention(retention));
        fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT), T0);
        fixture.routing("web", List.of("wh-a"), T0);
        fixture.stockSet("wh-a", "S1", 10);
    }

    /** An order of one line of 2, placed (and allocated at wh-a) by a record stamped T0. */
    private void place(String orderId) {
        fixture.orders.pipeInput(orderId, TopologyFixture.placed("placed-" + orderId, orderId, "web",
            new OrderLine("l-1", "S1", 2)), T0);
        assertEquals(OrderStatus.ALLOCATED, fixture.order(orderId).getStatus());
    }

    /** Completes the order's allocation by a command whose record is stamped {@code at}. */
    private void complete(String orderId, Instant at) {
        String allocationId = fixture.order(orderId).getAllocations().get(0).getAllocationId();
        fixture.commands.pipeInput("S1", new Command("complete-" + orderId, at, "test", orderId,
            new UpdateAllocation(allocationId, null, at, null), null), at);
        assertEquals(OrderStatus.COMPLETED, fixture.order(orderId).getStatus());
    }

    private void cancel(String orderId, Instant at) {
        fixture.orders.pipeInput(orderId, TopologyFixture.cancelled("cancel-" + orderId, orderId, at, "customer"), at);
        assertEquals(OrderStatus.CANCELLED, fixture.order(orderId).getStatus());
    }

    private List<AllocationEvent> history(String orderId) {
        return fixture.history(orderId);
    }

    private boolean indexEmpty() {
        try (var index = fixture.<String>store(StoreNames.ORDER_HISTORY_EXPIRY).all()) {
            return !index.hasNext();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aFinalOrdersHistoryIsKeptWithinTheRetentionAndForgottenAfterItWhileAnOpenOrdersStays(String guarantee)
        throws Exception {
        start(guarantee, RETENTION);
        place("o-completed");
        place("o-cancelled");
        place("o-open");
        complete("o-completed", T0);
        cancel("o-cancelled", T0);
        int openEvents = history("o-open").size();
        assertInstanceOf(ReservationCreated.class, history("o-completed").get(0).getPayload());
        assertFalse(history("o-cancelled").isEmpty());
        assertFalse(indexEmpty(), "both final orders are indexed");

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertFalse(history("o-completed").isEmpty(), "still within the retention");
        assertFalse(history("o-cancelled").isEmpty(), "still within the retention");

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertEquals(List.of(), history("o-completed"), "forgotten once the retention has passed");
        assertEquals(List.of(), history("o-cancelled"), "forgotten once the retention has passed");
        assertEquals(OrderStatus.COMPLETED, fixture.order("o-completed").getStatus(), "the projection stays");
        assertEquals(OrderStatus.CANCELLED, fixture.order("o-cancelled").getStatus(), "the projection stays");
        assertEquals(openEvents, history("o-open").size(), "an open order keeps its history");
        assertTrue(indexEmpty(), "nothing left in the index");

        fixture.driver.advanceWallClockTime(Duration.ofDays(30));
        assertEquals(openEvents, history("o-open").size(), "however long it stays open");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theRetentionCountsFromWhenTheOrderBecameFinal(String guarantee) throws Exception {
        start(guarantee, RETENTION);
        place("o-1");
        complete("o-1", T0.plus(Duration.ofMinutes(30)));

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(61));
        assertFalse(history("o-1").isEmpty(), "an hour after placing it, but only half an hour after completing it");
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertEquals(List.of(), history("o-1"));
        assertTrue(indexEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void anEventAfterTheHistoryWasForgottenIsKeptAndForgottenARetentionLater(String guarantee) throws Exception {
        start(guarantee, RETENTION);
        place("o-1");
        complete("o-1", T0);
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(61));
        assertEquals(List.of(), history("o-1"));

        cancel("o-1", T0.plus(Duration.ofMinutes(61)));   // a completed order cancelled: its cancellation is a new decision
        List<AllocationEvent> kept = history("o-1");
        assertFalse(kept.isEmpty(), "the late decision is kept");
        assertInstanceOf(ReservationCancelled.class, kept.get(0).getPayload(), "and only what came after: " + kept);
        assertFalse(indexEmpty(), "and indexed anew");

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertEquals(kept.size(), history("o-1").size(), "within its own retention");
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertEquals(List.of(), history("o-1"));
        assertTrue(indexEmpty());
        assertEquals(OrderStatus.CANCELLED, fixture.order("o-1").getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void withoutARetentionNothingIsEverForgotten(String guarantee) throws Exception {
        start(guarantee, null);
        place("o-completed");
        place("o-cancelled");
        complete("o-completed", T0);
        cancel("o-cancelled", T0);
        int completed = history("o-completed").size();
        int cancelled = history("o-cancelled").size();

        fixture.driver.advanceWallClockTime(Duration.ofDays(3_650));
        assertEquals(completed, history("o-completed").size());
        assertEquals(cancelled, history("o-cancelled").size());
        assertTrue(indexEmpty(), "nothing is indexed without a retention");
    }
}
