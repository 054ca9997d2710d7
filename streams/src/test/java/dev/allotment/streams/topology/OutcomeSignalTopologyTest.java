package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.CommandGroup;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.GroupMember;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.OrderLine;
import dev.allotment.streams.state.StoreChanges;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SKU processor signals each outcome it keeps under the command's own key ({@link StoreChanges#outcome}), so that a
 * wait for an outcome is woken by it, accepted or refused, alone or a part of a group, and not by the other commands on
 * its SKU: 230 waits on 64 SKUs, each woken by every record on its SKU, read their outcomes thousands of times a second
 * in vain (RESULTS.md, "Woken by its own outcome").
 */
class OutcomeSignalTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    @BeforeEach
    void anOrderOfTwoSkusAllocatedByHand() throws Exception {
        fixture = TopologyFixture.start("outcome-signal-test", StreamsConfig.EXACTLY_ONCE_V2, T0);
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.stockSet("wh-a", "S1", 5);
        fixture.stockSet("wh-a", "S2", 2);
        fixture.place("o-1", "manual", new OrderLine("l-1", "S1", 3), new OrderLine("l-2", "S2", 2));
    }

    private static Command allocate(String id, String sku, int quantity, CommandGroup group) {
        return new Command(id, T0, "platform-1", "o-1", new AllocateLines("wh-a", List.of(new LineQuantity(null, sku, quantity)),
            "al-" + id), group);
    }

    @Test
    void anAcceptedAndARefusedCommandEachSignalTheirOwnOutcomeOnly() {
        try (StoreChanges.Watch first = fixture.changes.watch(List.of(StoreChanges.outcome("c-1")));
             StoreChanges.Watch second = fixture.changes.watch(List.of(StoreChanges.outcome("c-2")))) {
            first.reset();
            second.reset();
            fixture.commands.pipeInput("S1", allocate("c-1", "S1", 1, null));
            assertTrue(first.changed(), "its outcome kept");
            assertFalse(second.changed(), "another command on the same SKU is not woken by it");

            fixture.commands.pipeInput("S1", allocate("c-2", "S1", 50, null));   // more than there is: refused
            assertFalse(fixture.outcome("c-2").getAccepted());
            assertTrue(second.changed(), "a refusal is an outcome too");
        }
    }

    @Test
    void eachPartOfAGroupSignalsItsOutcomeWhenTheGroupIsDecided() {
        CommandGroup group = new CommandGroup("k:group", "S1", List.of(new GroupMember("S1", "k:S1"), new GroupMember("S2", "k:S2")));
        try (StoreChanges.Watch parts = fixture.changes.watch(List.of(StoreChanges.outcome("k:S1")));
             StoreChanges.Watch other = fixture.changes.watch(List.of(StoreChanges.outcome("k:S2")))) {
            fixture.commands.pipeInput("S1", allocate("k:S1", "S1", 3, group));
            parts.reset();
            other.reset();
            fixture.commands.pipeInput("S2", allocate("k:S2", "S2", 2, group));
            assertTrue(fixture.outcome("k:S1").getAccepted());
            assertTrue(parts.changed(), "the first part's outcome is kept when the second's vote decides the group");
            assertTrue(other.changed());
        }
    }

    @Test
    void theOutcomeKeyIsNoSkuOrOrderId() {
        assertTrue(StoreChanges.outcome("S1").indexOf('\u0000') >= 0, "it holds a character the id rule refuses");
        assertFalse(StoreChanges.outcome("c-1").equals(StoreChanges.outcome("c-2")));
    }
}
