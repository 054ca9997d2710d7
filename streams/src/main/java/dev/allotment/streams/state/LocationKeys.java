package dev.allotment.streams.state;

import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.RoutingSet;

/**
 * Keys of allotment.location-events and of the global {@link StoreNames#LOCATIONS} store: {@code location:<id>} and
 * {@code channel:<id>}. The store is keyed from each event's payload, so producers may key the topic as they like.
 */
public final class LocationKeys {
    private LocationKeys() {}

    public static String location(String id) {
        return "location:" + id;
    }

    public static String channel(String id) {
        return "channel:" + id;
    }

    /** The store key of a location event, from its payload. */
    public static String of(LocationEvent event) {
        if (event.getPayload() instanceof LocationUpserted l) {
            return location(l.getLocationId());
        }
        if (event.getPayload() instanceof RoutingSet r) {
            return channel(r.getChannelId());
        }
        throw new IllegalArgumentException("unknown location event " + event.getPayload().getClass().getName());
    }
}
