package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ShardPlan}: shard keys, and which shard an order's lines of a SKU go to. */
class ShardPlanTest {
    final ShardPlan plan = new ShardPlan(Map.of("HOT", 4), 1);

    @Test
    void shardZeroIsTheSkuItselfSoAnUnshardedSkuIsKeyedAsBefore() {
        assertEquals("HOT", ShardPlan.key("HOT", 0));
        assertEquals("HOT#3", ShardPlan.key("HOT", 3));
        assertEquals(new ShardPlan.Shard("HOT", 3), ShardPlan.shard("HOT#3"));
        assertEquals(new ShardPlan.Shard("COLD", 0), ShardPlan.shard("COLD"));
        assertEquals("COLD", plan.keyOf("COLD", "o-1"), "one shard by default");
        assertFalse(plan.sharded("COLD"));
        assertTrue(plan.sharded("HOT#2"));
        assertFalse(ShardPlan.UNSHARDED.sharded("HOT"));
    }

    @Test
    void anOrdersLinesOfASkuGoToOneShardAndOrdersSpreadOverAllOfThem() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            int shard = plan.shardOf("HOT", "o-" + i);
            assertEquals(shard, plan.shardOf("HOT", "o-" + i), "stable");
            assertEquals(ShardPlan.key("HOT", shard), plan.keyOf("HOT", "o-" + i));
            used.add(shard);
        }
        assertEquals(Set.of(0, 1, 2, 3), used);
    }

    @Test
    void aSkuHasAtLeastOneShard() {
        assertThrows(IllegalArgumentException.class, () -> new ShardPlan(Map.of("HOT", 0), 1));
        assertThrows(IllegalArgumentException.class, () -> new ShardPlan(Map.of(), 0));
    }
}
