package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.RoutingSet;
import dev.allotment.streams.allocation.Site;
import dev.allotment.streams.state.LocationKeys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

class GlobalLocationsTest {
    /** The global store, counting its reads. */
    private static final class Store implements ReadOnlyKeyValueStore<String, LocationEvent> {
        final Map<String, LocationEvent> data = new TreeMap<>();
        int gets;

        @Override
        public LocationEvent get(String key) {
            gets++;
            return data.get(key);
        }

        @Override
        public KeyValueIterator<String, LocationEvent> range(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValueIterator<String, LocationEvent> all() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long approximateNumEntries() {
            return data.size();
        }

        void put(LocationEvent event) {
            data.put(LocationKeys.of(event), event);
        }
    }

    private final Store store = new Store();
    private final LocationChanges changes = new LocationChanges();

    private static LocationEvent location(String id, ConfirmMode mode) {
        return new LocationEvent("e-" + id + mode, Instant.EPOCH, null,
            new LocationUpserted(id, id, LocationKind.WAREHOUSE, mode, null, true, null));
    }

    private static LocationEvent routing(String channel, String... ids) {
        return new LocationEvent("r-" + channel + List.of(ids), Instant.EPOCH, null, new RoutingSet(channel, List.of(ids)));
    }

    @Test
    void decodesEachRoutingOnceUntilTheStoreChanges() {
        store.put(location("wh-a", ConfirmMode.DIRECT));
        store.put(location("wh-b", ConfirmMode.DIRECT));
        store.put(routing("web", "wh-a", "wh-b"));
        GlobalLocations locations = new GlobalLocations(store, changes);

        List<Site> first = locations.routing("web");
        int reads = store.gets;
        for (int i = 0; i < 1_000; i++) {
            assertEquals(first, locations.routing("web"));
            assertTrue(locations.site("wh-a").orElseThrow().direct());
        }
        assertEquals(reads, store.gets, "answered from what was decoded, not from the store");

        store.put(location("wh-a", ConfirmMode.CONFIRM));
        store.put(routing("web", "wh-b", "wh-a"));
        changes.changed();
        assertEquals(List.of("wh-b", "wh-a"), locations.routing("web").stream().map(Site::id).toList());
        assertTrue(!locations.site("wh-a").orElseThrow().direct(), "the changed site");
    }

    @Test
    void withoutTheChangeCountEveryCallReadsTheStore() {
        store.put(location("wh-a", ConfirmMode.DIRECT));
        store.put(routing("web", "wh-a"));
        GlobalLocations locations = new GlobalLocations(store);
        locations.routing("web");
        int reads = store.gets;
        store.put(routing("web"));
        assertEquals(List.of(), locations.routing("web"));
        assertTrue(store.gets > reads);
    }

    @Test
    void forgetsEverythingPastItsLimitSoThatUnknownChannelsCannotGrowIt() {
        GlobalLocations locations = new GlobalLocations(store, changes);
        for (int i = 0; i < GlobalLocations.MEMO_LIMIT + 10; i++) {
            assertEquals(List.of(), locations.routing("channel-" + i));
        }
        int reads = store.gets;
        locations.routing("channel-0");
        assertEquals(reads + 1, store.gets, "channel-0 was forgotten when the memo passed its limit");
    }
}
