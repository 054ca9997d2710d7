package dev.allotment.streams.allocation;

import java.time.Duration;

/**
 * A location as allocation sees it: whether it answers at once (DIRECT) or must confirm, whether it
 * shares its stock, and how long a confirm location has to answer an allocation request (null: no expiry).
 */
public record Site(String id, boolean direct, boolean tracksStock, Duration confirmTimeout) {
    public Site(String id, boolean direct, boolean tracksStock) {
        this(id, direct, tracksStock, null);
    }
}
