package dev.allotment.streams.topology;

import static dev.allotment.streams.topology.TopologyFixture.T0;
import static dev.allotment.streams.topology.TopologyFixture.warehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.Command;
import dev.allotment.events.CommandGroup;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.GroupMember;
import dev.allotment.events.LineQuantity;
import dev.allotment.events.OrderLine;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client's command over two SKUs through the real topology (DESIGN §4 invariant 8): each part is prepared on its SKU,
 * votes to the coordinator (the first SKU), and every part applies or none does. Before, each SKU decided alone: a
 * refused part left the other applied.
 */
class GroupCommandTopologyTest {
    @AutoClose
    private TopologyFixture fixture;

    @BeforeEach
    void anOrderOfTwoSkusAllocatedByHand() throws Exception {
        fixture = TopologyFixture.start("group-test", StreamsConfig.EXACTLY_ONCE_V2, T0);
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.stockSet("wh-a", "S1", 5);
        fixture.place("o-1", "manual", new OrderLine("l-1", "S1", 3), new OrderLine("l-2", "S2", 2));
    }

    private static Command part(String id, String sku, int quantity, CommandGroup group) {
        return new Command(id, T0, "platform-1", "o-1", new AllocateLines("wh-a", List.of(new LineQuantity(null, sku, quantity)),
            "al-k"), group);
    }

    private static CommandGroup group(String... skus) {
        return new CommandGroup("k:group", "S1", java.util.Arrays.stream(skus).map(s -> new GroupMember(s, "k:" + s)).toList());
    }

    private void sendBoth() {
        CommandGroup group = group("S1", "S2");
        fixture.commands.pipeInput("S1", part("k:S1", "S1", 3, group));
        fixture.commands.pipeInput("S2", part("k:S2", "S2", 2, group));
    }

    @Test
    void onePartRefusedLeavesTheOtherUnapplied() {
        fixture.stockSet("wh-a", "S2", 1);   // two asked, one there
        sendBoth();

        CommandOutcome s1 = fixture.outcome("k:S1");
        CommandOutcome s2 = fixture.outcome("k:S2");
        assertFalse(s1.getAccepted(), "S1's part, which alone would apply, is not applied");
        assertFalse(s2.getAccepted());
        assertEquals("insufficient_stock", s2.getCode());
        assertEquals("insufficient_stock", s1.getCode(), "the whole command is refused for the part that was");
        assertTrue(s1.getReason().contains("SKU S2"), s1.getReason());
        assertEquals(0, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated(), "S1's stock set aside is back");
        assertTrue(fixture.order("o-1").getAllocations().isEmpty(), "no allocation: " + fixture.order("o-1").getAllocations());
        assertNothingHeld();
    }

    @Test
    void everyPartPreparedAppliesThemAll() {
        fixture.stockSet("wh-a", "S2", 2);
        sendBoth();

        assertTrue(fixture.outcome("k:S1").getAccepted());
        assertTrue(fixture.outcome("k:S2").getAccepted());
        assertEquals(3, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated(), "taken once: the hold became the allocation");
        assertEquals(2, fixture.skuStock("S2").getLocations().get("wh-a").getAllocated());
        assertEquals(5, fixture.order("o-1").getAllocations().stream().flatMap(a -> a.getLines().stream())
            .mapToInt(l -> l.getQuantity()).sum());
        assertNothingHeld();

        sendBoth();   // the same parts again (a retry): answered from their outcomes, nothing applied twice
        assertEquals(3, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated());
    }

    @Test
    void aPartThatNeverArrivesAbortsTheGroupAtTheDeadline() {
        fixture.stockSet("wh-a", "S2", 2);
        fixture.commands.pipeInput("S1", part("k:S1", "S1", 3, group("S1", "S2")));   // S2's part is lost on the way
        assertEquals(3, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated(), "prepared: its stock set aside");

        fixture.driver.advanceWallClockTime(TopologySettings.DEFAULT_GROUP_TIMEOUT.plus(Duration.ofSeconds(2)));

        assertEquals("command_timed_out", fixture.outcome("k:S1").getCode());
        assertEquals("command_timed_out", fixture.outcome("k:S2").getCode(), "S2 is told too: its part, if it comes, never applies");
        fixture.commands.pipeInput("S2", part("k:S2", "S2", 2, group("S1", "S2")));
        assertEquals(0, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated());
        assertEquals(0, fixture.skuStock("S2").getLocations().get("wh-a").getAllocated(), "the late part was not applied");
        assertNothingHeld();
    }

    @Test
    void theDeadlineIsTheEnginesSetting() throws Exception {
        fixture.close();
        fixture = TopologyFixture.start("group-test-deadline", StreamsConfig.EXACTLY_ONCE_V2, T0,
            TopologySettings.DEFAULTS.withCommandGroupTimeout(Duration.ofSeconds(5)));
        fixture.location(warehouse("wh-a", ConfirmMode.DIRECT));
        fixture.stockSet("wh-a", "S1", 5);
        fixture.place("o-1", "manual", new OrderLine("l-1", "S1", 3), new OrderLine("l-2", "S2", 2));
        fixture.commands.pipeInput("S1", part("k:S1", "S1", 3, group("S1", "S2")));

        fixture.driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertNull(fixture.outcome("k:S1"), "still waiting for S2 within the 5 s set");
        fixture.driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertEquals("command_timed_out", fixture.outcome("k:S1").getCode());
        assertEquals(0, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated());
        assertNothingHeld();
    }

    @Test
    void twoPartsOnOneSkuApplyTogetherOrNotAtAll() {
        // an Envoy call with two allocations of the same item at one place: 2 + 2 of a line of 3 is over, 2 + 1 fits
        CommandGroup over = new CommandGroup("k2:group", "S1", List.of(new GroupMember("S1", "k2:0"), new GroupMember("S1", "k2:1")));
        fixture.commands.pipeInput("S1", part("k2:0", "S1", 2, over));
        fixture.commands.pipeInput("S1", part("k2:1", "S1", 2, over));
        assertEquals("over_quantity", fixture.outcome("k2:0").getCode(), "the first part, which alone fits, is not applied");
        assertEquals("over_quantity", fixture.outcome("k2:1").getCode());
        assertEquals(0, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated());
        assertNothingHeld();

        CommandGroup fits = new CommandGroup("k3:group", "S1", List.of(new GroupMember("S1", "k3:0"), new GroupMember("S1", "k3:1")));
        fixture.commands.pipeInput("S1", part("k3:0", "S1", 2, fits));
        fixture.commands.pipeInput("S1", part("k3:1", "S1", 1, fits));
        assertTrue(fixture.outcome("k3:0").getAccepted());
        assertTrue(fixture.outcome("k3:1").getAccepted());
        assertEquals(3, fixture.skuStock("S1").getLocations().get("wh-a").getAllocated());
        assertNothingHeld();
    }

    private void assertNothingHeld() {
        for (String store : List.of(StoreNames.LINE_HOLDS, StoreNames.PREPARED_PARTS, StoreNames.COMMAND_GROUPS, StoreNames.GROUP_DEADLINES)) {
            try (KeyValueIterator<String, Object> all = fixture.store(store).all()) {
                assertFalse(all.hasNext(), store + " is not empty");
            }
        }
    }
}
