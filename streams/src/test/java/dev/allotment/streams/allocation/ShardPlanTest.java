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
    void aKeyIsASkuOrAShardOfOneAndAnythingElseIsNamedNotThrownOn() {
        assertTrue(ShardPlan.keyProblem("HOT").isEmpty());
        assertTrue(ShardPlan.keyProblem("HOT#3").isEmpty());
        assertTrue(ShardPlan.keyProblem("HOT#1023").isEmpty());
        for (String bad : new String[] {"a/b?c#d", "HOT#", "HOT#0", "HOT#01", "HOT#-1", "HOT#1024", "HOT#99999999999", "A#1#2", "#1", ""}) {
            assertTrue(ShardPlan.keyProblem(bad).isPresent(), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardPlan.shard("a/b?c#d"));
        assertTrue(e.getMessage().contains("a/b?c#d"), e.getMessage());
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

    @Test
    void aWrittenPlanNamesEachShardedSkuWithItsCountAndBlankShardsNothing() {
        assertEquals(new ShardPlan(Map.of("SKU-1", 4, "SKU-2", 8), 1), ShardPlan.parse("SKU-1=4, SKU-2 = 8"));
        assertEquals(ShardPlan.UNSHARDED, ShardPlan.parse(""));
        assertEquals(ShardPlan.UNSHARDED, ShardPlan.parse(null));
        assertEquals(1, ShardPlan.parse("SKU-1=4").shards("SKU-3"));
    }

    @Test
    void aMalformedPlanIsRefusedNamingTheEntry() {
        for (String bad : new String[] {"SKU-1", "SKU-1=", "SKU-1=four", "SKU-1=0", "SKU-1=-2", "=4", "SKU#1=4", "SKU-1=4,,SKU-2=2",
            "SKU-1=4,SKU-1=2", "SKU-1=2=3", "SKU-1=5000"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ShardPlan.parse(bad), bad);
            assertTrue(refused.getMessage().startsWith("'"), refused.getMessage());
        }
    }
}
