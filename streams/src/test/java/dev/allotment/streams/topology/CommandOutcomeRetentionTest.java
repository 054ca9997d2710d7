package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.OrderLine;
import dev.allotment.streams.allocation.BookKeys;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client command's first outcome answers its retries for the retention (24 hours by default) and is forgotten after
 * it, through an index sorted by time; the engine's own commands (a placed order's lines) keep none.
 */
class CommandOutcomeRetentionTest {
    @AutoClose
    private TopologyFixture fixture;

    private void start(String guarantee) throws Exception {
        fixture = TopologyFixture.start("allotment-test", guarantee, TopologyFixture.T0);
        fixture.location(TopologyFixture.warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.stockSet("wh-a", "S1", 10);
        fixture.place("o-1", "manual", new OrderLine("l-1", "S1", 5));
    }

    private void allocateOne(String commandId) {
        fixture.commands.pipeInput("S1", new Command(commandId, TopologyFixture.T0, "platform-1234", "o-1",
            new AllocateLines("wh-a", List.of(new LineQuantity(null, "S1", 1)), "al-" + commandId), null), TopologyFixture.T0);
    }

    private int allocated() {
        return fixture.skuStock("S1").getLocations().get("wh-a").getAllocated();
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void aRetryWithinTheRetentionChangesNothingAndTheOutcomeIsForgottenAfterIt(String guarantee) throws Exception {
        start(guarantee);
        allocateOne("c-1");
        allocateOne("c-1");
        assertEquals(1, allocated(), "the retry was answered from the outcome");
        assertNotNull(fixture.outcome("c-1"));

        fixture.driver.advanceWallClockTime(Duration.ofHours(23));
        assertNotNull(fixture.outcome("c-1"), "still within the retention");
        fixture.driver.advanceWallClockTime(Duration.ofHours(2));
        assertNull(fixture.outcome("c-1"), "forgotten once its retention has passed");
        try (var index = fixture.<String>store(StoreNames.COMMAND_OUTCOME_EXPIRY).all()) {
            assertFalse(index.hasNext(), "nothing left in the index either");
        }

        allocateOne("c-1");
        assertEquals(2, allocated(), "after the retention the same command id is a new command");
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2})
    void theEnginesOwnCommandsKeepNoOutcome(String guarantee) throws Exception {
        start(guarantee);
        assertNotNull(fixture.store(StoreNames.LINE_RESERVATIONS).get(BookKeys.line("S1", "o-1", "l-1")), "the line is reserved");
        assertNull(fixture.outcome("placed-o-1:reserve:l-1"), "a placed order's line is reserved once whatever the delivery");
    }
}
