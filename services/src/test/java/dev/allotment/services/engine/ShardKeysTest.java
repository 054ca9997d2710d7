package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.Command;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.RecordAnswer;
import dev.allotment.streams.allocation.ShardPlan;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edge sends a command about an order's lines of a sharded SKU to the shard that holds them. */
class ShardKeysTest {
    final ShardPlan plan = new ShardPlan(Map.of("HOT", 4), 1);

    private static Command about(String orderId, Object payload) {
        return new Command("c-1", Instant.EPOCH, "platform", orderId, payload, null);
    }

    @Test
    void aCommandAboutAShardedSkusLinesGoesToTheOrdersShardAndOthersKeepTheirKey() {
        Command confirm = about("o-7", new ConfirmAllocationRequest("al-1"));
        assertEquals(plan.keyOf("HOT", "o-7"), ShardKeys.of(plan, "HOT", confirm));
        assertEquals(plan.keyOf("HOT", "o-7"), ShardKeys.of(plan, plan.keyOf("HOT", "o-7"), confirm), "a shard's key stays");
        assertEquals("COLD", ShardKeys.of(plan, "COLD", confirm));
        assertEquals("HOT", ShardKeys.of(plan, "HOT", about("o-7", new RecordAnswer("f", 200, "{}"))), "an answer's scope is no SKU");
    }
}
