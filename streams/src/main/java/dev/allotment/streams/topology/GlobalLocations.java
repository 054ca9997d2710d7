package dev.allotment.streams.topology;

import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.RoutingSet;
import dev.allotment.streams.allocation.Locations;
import dev.allotment.streams.allocation.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** {@link Locations} read from the global locations store (keys {@code location:<id>}, {@code channel:<id>}). */
public final class GlobalLocations implements Locations {
    private final ReadOnlyKeyValueStore<String, LocationEvent> store;

    public GlobalLocations(ReadOnlyKeyValueStore<String, LocationEvent> store) {
        this.store = store;
    }

    public static String locationKey(String id) {
        return "location:" + id;
    }

    public static String channelKey(String id) {
        return "channel:" + id;
    }

    /** The store key of a location event, from its payload (so producers may key the topic as they like). */
    public static String keyOf(LocationEvent event) {
        if (event.getPayload() instanceof LocationUpserted l) {
            return locationKey(l.getLocationId());
        }
        if (event.getPayload() instanceof RoutingSet r) {
            return channelKey(r.getChannelId());
        }
        throw new IllegalArgumentException("unknown location event " + event.getPayload().getClass().getName());
    }

    public Optional<LocationUpserted> location(String id) {
        LocationEvent event = store.get(locationKey(id));
        return event != null && event.getPayload() instanceof LocationUpserted l ? Optional.of(l) : Optional.empty();
    }

    public Optional<RoutingSet> routingSet(String channel) {
        LocationEvent event = store.get(channelKey(channel));
        return event != null && event.getPayload() instanceof RoutingSet r ? Optional.of(r) : Optional.empty();
    }

    @Override
    public Optional<Site> site(String locationId) {
        return location(locationId).map(GlobalLocations::site);
    }

    @Override
    public List<Site> routing(String channel) {
        List<Site> sites = new ArrayList<>();
        routingSet(channel).ifPresent(r -> r.getLocations().forEach(id -> site(id).ifPresent(sites::add)));
        return sites;
    }

    static Site site(LocationUpserted l) {
        Integer timeout = l.getConfirmTimeoutSeconds();
        return new Site(l.getLocationId(), l.getConfirmMode() == ConfirmMode.DIRECT, l.getTracksStock(),
            timeout == null || timeout <= 0 ? null : java.time.Duration.ofSeconds(timeout));
    }
}
