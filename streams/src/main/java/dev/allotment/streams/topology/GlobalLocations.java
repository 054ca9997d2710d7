package dev.allotment.streams.topology;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.RoutingSet;
import dev.allotment.streams.allocation.Locations;
import dev.allotment.streams.allocation.Site;
import dev.allotment.streams.state.LocationKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link Locations} read from the global locations store (keys {@code location:<id>}, {@code channel:<id>}).
 *
 * <p>Made with the store's {@link LocationChanges}, it keeps the sites and routings it has decoded until the store
 * next changes: the processors ask for an order's routing and each line's site, and decoding them from the store
 * every time was about 8 % of the stream thread. Such an instance belongs to one processor (one thread).
 */
public final class GlobalLocations implements Locations {
    /** Past this many remembered channels and locations (orders name channels freely), start again. */
    static final int MEMO_LIMIT = 10_000;
    private final ReadOnlyKeyValueStore<String, LocationEvent> store;
    private final LocationChanges changes;
    private final Map<String, Optional<Site>> sites = new HashMap<>();
    private final Map<String, List<Site>> routings = new HashMap<>();
    private long seen = -1;

    /** Reads the store on every call (for the HTTP edge). */
    public GlobalLocations(ReadOnlyKeyValueStore<String, LocationEvent> store) {
        this(store, null);
    }

    GlobalLocations(ReadOnlyKeyValueStore<String, LocationEvent> store, LocationChanges changes) {
        this.store = store;
        this.changes = changes;
    }

    public Optional<LocationUpserted> location(String id) {
        LocationEvent event = store.get(LocationKeys.location(id));
        return event != null && event.getPayload() instanceof LocationUpserted l ? Optional.of(l) : Optional.empty();
    }

    public Optional<RoutingSet> routingSet(String channel) {
        LocationEvent event = store.get(LocationKeys.channel(channel));
        return event != null && event.getPayload() instanceof RoutingSet r ? Optional.of(r) : Optional.empty();
    }

    @Override
    public Optional<Site> site(String locationId) {
        if (!memoCurrent()) {
            return location(locationId).map(GlobalLocations::site);
        }
        Optional<Site> site = sites.get(locationId);
        if (site == null) {
            site = location(locationId).map(GlobalLocations::site);
            sites.put(locationId, site);
        }
        return site;
    }

    @Override
    public List<Site> routing(String channel) {
        if (!memoCurrent()) {
            return readRouting(channel);
        }
        List<Site> routing = routings.get(channel);
        if (routing == null) {
            routing = List.copyOf(readRouting(channel));
            routings.put(channel, routing);
        }
        return routing;
    }

    private List<Site> readRouting(String channel) {
        List<Site> found = new ArrayList<>();
        routingSet(channel).ifPresent(r -> r.getLocations().forEach(id -> site(id).ifPresent(found::add)));
        return found;
    }

    /** Whether remembered answers may be used: forgets them all when the store has changed since, or too many. */
    private boolean memoCurrent() {
        if (changes == null) {
            return false;
        }
        long count = changes.count();
        if (count != seen || sites.size() + routings.size() > MEMO_LIMIT) {
            sites.clear();
            routings.clear();
            seen = count;
        }
        return true;
    }

    static Site site(LocationUpserted l) {
        Integer timeout = l.getConfirmTimeoutSeconds();
        return new Site(l.getLocationId(), l.getConfirmMode() == ConfirmMode.DIRECT, l.getTracksStock(),
            timeout == null || timeout <= 0 ? null : java.time.Duration.ofSeconds(timeout));
    }
}
