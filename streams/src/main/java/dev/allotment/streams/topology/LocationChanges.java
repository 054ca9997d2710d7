package dev.allotment.streams.topology;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the writes to the global locations store. Every write goes through the store's loader, also while the
 * store is restored (Kafka Streams restores a global store by running its processor), so a reader that has seen
 * the same count since it decoded a location knows it is still current.
 */
final class LocationChanges {
    private final AtomicLong count = new AtomicLong();

    void changed() {
        count.incrementAndGet();
    }

    long count() {
        return count.get();
    }
}
