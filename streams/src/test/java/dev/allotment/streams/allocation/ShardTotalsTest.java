package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.allotment.events.LocationStock;
import dev.allotment.events.ShardLedger;
import dev.allotment.events.ShardLink;
import dev.allotment.events.SkuStock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ShardTotals}: a sharded SKU read as one SKU. */
class ShardTotalsTest {
    private static LocationStock at(int physical, int allocated, int held) {
        return LocationStock.newBuilder().setPhysical(physical).setAllocated(allocated).setHeld(held).setIncoming(0)
            .setUpdatedAt(Instant.EPOCH).build();
    }

    private static ShardLink lent(int shard, int lent) {
        return ShardLink.newBuilder().setShard(shard).setLocationId("wh").setLent(lent).build();
    }

    @Test
    void physicalIsHomesBooksTotalAndAllocatedAndHeldAreSummedOverTheShards() {
        SkuStock home = SkuStock.newBuilder().setSku("HOT").setLocations(Map.of("wh", at(2, 1, 1)))
            .setShards(new ShardLedger(List.of(lent(0, 0), lent(1, 4), lent(2, 3)), Map.of("wh", 1))).build();
        SkuStock one = SkuStock.newBuilder().setSku("HOT#1").setLocations(Map.of("wh", at(4, 4, 0))).build();
        SkuStock two = SkuStock.newBuilder().setSku("HOT#2").setLocations(Map.of("wh", at(3, 1, 2))).build();

        SkuStock total = ShardTotals.merge(home, List.of(one, two));

        assertEquals("HOT", total.getSku());
        assertNull(total.getShards());
        LocationStock wh = total.getLocations().get("wh");
        assertEquals(2 + 4 + 3 - 1, wh.getPhysical(), "home's physical, what it lent, less its debt");
        assertEquals(1 + 4 + 1, wh.getAllocated());
        assertEquals(1 + 0 + 2, wh.getHeld());
        assertEquals(2, home.getLocations().get("wh").getPhysical(), "home's record is not changed");
    }
}
