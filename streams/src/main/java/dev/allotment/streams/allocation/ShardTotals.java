package dev.allotment.streams.allocation;

import dev.allotment.events.LocationStock;
import dev.allotment.events.ShardLink;
import dev.allotment.events.SkuStock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sharded SKU's stock as one SKU's (docs/design/sku-shards.md, "Sum the shards"): what reads and feeds show, since
 * shards show nowhere outside the engine. A location's physical is home's alone ({@code physical + Σ lent − debt}: its
 * books give the total); allocated and held are the sums over the shards' records; incoming batches are kept at home.
 */
public final class ShardTotals {
    private ShardTotals() {}

    /**
     * The SKU's level at a location from home's record alone: its books' physical, and what it allocates and holds
     * with what the shards last reported they do (ShardLevel). What allotment.stock-levels publishes for the SKU.
     */
    public static LocationStock atHome(SkuStock home, String location) {
        LocationStock own = home.getLocations().get(location);
        if (own == null || home.getShards() == null) {
            return own;
        }
        LocationStock s = LocationStock.newBuilder(own).build();
        for (ShardLink link : home.getShards().getLinks()) {
            if (link.getShard() > 0 && link.getLocationId().equals(location)) {
                s.setPhysical(s.getPhysical() + link.getLent());
                s.setAllocated(s.getAllocated() + link.getLevelAllocated());
                s.setHeld(s.getHeld() + link.getLevelHeld());
            }
        }
        s.setPhysical(Math.max(0, s.getPhysical() - home.getShards().getDebts().getOrDefault(location, 0)));
        return s;
    }

    /** The SKU's stock over its shards: {@code home} is shard 0's record, {@code others} those of shards 1..N-1 found. */
    public static SkuStock merge(SkuStock home, List<SkuStock> others) {
        SkuStock total = SkuStock.newBuilder(home).setShards(null).build();
        Map<String, LocationStock> locations = new TreeMap<>();
        total.getLocations().forEach((location, s) -> locations.put(location, LocationStock.newBuilder(s).build()));
        if (home.getShards() != null) {
            for (ShardLink link : home.getShards().getLinks()) {
                LocationStock s = locations.get(link.getLocationId());
                if (s != null && link.getShard() > 0) {
                    s.setPhysical(s.getPhysical() + link.getLent());
                }
            }
            home.getShards().getDebts().forEach((location, debt) -> {
                LocationStock s = locations.get(location);
                if (s != null) {
                    s.setPhysical(Math.max(0, s.getPhysical() - debt));
                }
            });
        }
        for (SkuStock shard : others) {
            shard.getLocations().forEach((location, at) -> {
                LocationStock s = locations.get(location);
                if (s != null) {
                    s.setAllocated(s.getAllocated() + at.getAllocated());
                    s.setHeld(s.getHeld() + at.getHeld());
                    if (at.getUpdatedAt() != null && (s.getUpdatedAt() == null || at.getUpdatedAt().isAfter(s.getUpdatedAt()))) {
                        s.setUpdatedAt(at.getUpdatedAt());
                    }
                }
            });
        }
        total.setLocations(new HashMap<>(locations));
        return total;
    }
}
