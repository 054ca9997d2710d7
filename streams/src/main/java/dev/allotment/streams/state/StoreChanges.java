package dev.allotment.streams.state;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the HTTP edge's waits when the processors of this instance have changed the stores of a key: the SKU
 * processor signals the SKU of every record it handles, the order processors the order id. A wait watches the keys
 * whose stores it reads, so it re-reads them when they change instead of every few milliseconds; a processor pays
 * one map lookup per record while nobody waits, and two while somebody does.
 */
public final class StoreChanges {
    private final Map<String, Set<Watch>> watches = new ConcurrentHashMap<>();

    /** The stores of {@code key} have changed: wakes whoever watches it. */
    public void changed(String key) {
        if (watches.isEmpty()) {
            return;
        }
        Set<Watch> watching = watches.get(key);
        if (watching != null) {
            watching.forEach(Watch::wake);
        }
    }

    /** Whether anyone waits (so a processor can skip decoding a key nobody asked about). */
    public boolean anyWatched() {
        return !watches.isEmpty();
    }

    /** Starts watching {@code keys} for the calling thread; close the watch when done. */
    public Watch watch(Collection<String> keys) {
        Watch watch = new Watch(List.copyOf(keys), Thread.currentThread());
        for (String key : watch.keys) {
            watches.compute(key, (k, set) -> {
                Set<Watch> watching = set != null ? set : ConcurrentHashMap.newKeySet();
                watching.add(watch);
                return watching;
            });
        }
        return watch;
    }

    /** One thread's interest in some keys. */
    public final class Watch implements AutoCloseable {
        private final List<String> keys;
        private final Thread thread;
        private volatile boolean changed;

        private Watch(List<String> keys, Thread thread) {
            this.keys = keys;
            this.thread = thread;
        }

        private void wake() {
            changed = true;
            LockSupport.unpark(thread);
        }

        /** Forgets changes seen so far: call it before reading the stores, then {@link #await} after. */
        public void reset() {
            changed = false;
        }

        /** Whether a watched key has changed since the last {@link #reset}. */
        public boolean changed() {
            return changed;
        }

        /** Waits until a watched key changes after the last {@link #reset}, or {@code nanos} pass. */
        public void await(long nanos) {
            long deadline = System.nanoTime() + nanos;
            long left = nanos;
            while (!changed && left > 0 && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(this, left);
                left = deadline - System.nanoTime();
            }
        }

        @Override
        public void close() {
            for (String key : keys) {
                watches.computeIfPresent(key, (k, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
