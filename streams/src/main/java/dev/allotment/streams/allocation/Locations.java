package dev.allotment.streams.allocation;

import java.util.List;
import java.util.Optional;

/** What the engine knows of locations and routing (a global store in the topology, a map in tests). */
public interface Locations {
    Optional<Site> site(String locationId);

    /** The channel's routing, highest rank first, as sites (unknown locations left out). */
    List<Site> routing(String channel);
}
