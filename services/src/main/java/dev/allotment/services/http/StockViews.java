package dev.allotment.services.http;

import dev.allotment.events.LocationStock;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.SkuStock;
import dev.allotment.streams.state.EngineState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A SKU's stock as the API shows it: a level per location (available is what neither allocations nor cart holds take) and totals. */
record StockViews(EngineState state) {
    Map<String, Object> sku(SkuStock s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sku", s.getSku());
        List<Map<String, Object>> locations = new ArrayList<>();
        long physical = 0;   // in long: locations of up to Limits.MAX_QUANTITY each add up past the int range
        long allocated = 0;
        long held = 0;
        long incoming = 0;
        long available = 0;
        for (Map.Entry<String, LocationStock> e : new TreeMap<>(s.getLocations()).entrySet()) {
            locations.add(level(s.getSku(), e.getKey(), e.getValue()));
            LocationStock at = e.getValue();
            physical += at.getPhysical();
            allocated += at.getAllocated();
            held += at.getHeld();
            incoming += at.getIncoming();
            available += Math.max(0, at.getPhysical() - at.getAllocated() - at.getHeld());
        }
        view.put("locations", locations);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("physical", physical);
        totals.put("allocated", allocated);
        totals.put("held", held);
        totals.put("available", available);
        totals.put("incoming", incoming);
        view.put("totals", totals);
        return view;
    }

    Map<String, Object> level(String sku, String locationId, LocationStock s) {
        boolean tracks = state.location(locationId).map(LocationUpserted::getTracksStock).orElse(true);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("location_id", locationId);
        view.put("sku", sku);
        view.put("physical", s == null ? 0 : s.getPhysical());
        view.put("allocated", s == null ? 0 : s.getAllocated());
        view.put("held", s == null ? 0 : s.getHeld());
        view.put("available", s == null ? 0 : s.getPhysical() - s.getAllocated() - s.getHeld());
        view.put("incoming", s == null ? 0 : s.getIncoming());
        view.put("incoming_batches", IncomingStockController.batches(s));
        view.put("infinite", !tracks);
        view.put("updated_at", s == null ? null : Views.time(s.getUpdatedAt()));
        return view;
    }
}
