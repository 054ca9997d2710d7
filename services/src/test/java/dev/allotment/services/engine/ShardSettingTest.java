package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.streams.allocation.ShardPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** allotment.shards (ALLOTMENT_SHARDS): read into the topology's shard plan, a malformed value refused at start. */
class ShardSettingTest {
    @Test
    void theSettingNamesEachHotSkuWithItsShardsAndEmptyShardsNone() {
        assertEquals(new ShardPlan(Map.of("SKU-1", 4, "SKU-2", 8), 1), EngineSettings.parseShards("SKU-1=4,SKU-2=8"));
        assertEquals(ShardPlan.UNSHARDED, EngineSettings.parseShards(""));
    }

    @Test
    void aMalformedSettingStopsTheStartNamingTheSettingAndTheEntry() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> EngineSettings.parseShards("SKU-1=4,SKU-2=lots"));
        assertTrue(refused.getMessage().contains("allotment.shards (ALLOTMENT_SHARDS)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'SKU-2=lots'"), refused.getMessage());
    }
}
