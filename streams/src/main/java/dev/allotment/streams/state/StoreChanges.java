package dev.allotment.streams.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Wakes the HTTP edge's waits when the processors of this instance have changed the stores of a key: the SKU
 * processor signals the SKU of every record it handles, the order processors the order id. A wait watches the keys
 * whose stores it reads, so it re-reads them when they change instead of every few milliseconds; a processor pays
 * one map lookup per record while nobody waits, and two while somebody does.
 *
 * <p>Where reads see committed state only (transactional stores read at {@code READ_COMMITTED}), a change is not
 * readable until the stream thread that made it commits, so waking a wait when the record is processed only makes it
 * read what it read before. There the engine {@link #wakeAtCommits wakes at commits}: a change marks the watches of
 * its key with the thread that made it and that thread's count of commits so far, and a commit counted past the mark
 * ({@link #committed}) wakes them. The count, not the mere news of a commit, decides: a commit is seen a little after
 * it happens, by when the thread may have changed keys again, and those changes wait for its next commit.
 */
public final class StoreChanges {
    private final Map<String, Set<Watch>> watches = new ConcurrentHashMap<>();
    /**
     * By stream thread name: the watches of keys it changed and has not committed since, each with the thread's commit
     * counts at its first and last such change (when waking at commits).
     */
    private final Map<String, Map<Watch, double[]>> awaitingCommit = new ConcurrentHashMap<>();
    private volatile ToDoubleFunction<String> commitsOf;

    /** The stores of {@code key} have changed (called by the thread that changed them): wakes whoever watches it. */
    public void changed(String key) {
        if (watches.isEmpty()) {
            return;
        }
        Set<Watch> watching = watches.get(key);
        if (watching == null) {
            return;
        }
        ToDoubleFunction<String> counts = commitsOf;
        if (counts == null) {
            watching.forEach(Watch::wake);
            return;
        }
        String thread = Thread.currentThread().getName();
        double commits = counts.applyAsDouble(thread);
        // atomic with committed() on the same thread's marks
        awaitingCommit.compute(thread, (t, marked) -> {
            Map<Watch, double[]> marks = marked != null ? marked : new HashMap<>();
            for (Watch watch : watching) {
                double[] span = marks.computeIfAbsent(watch, w -> new double[] {commits, commits});
                span[1] = commits;
            }
            return marks;
        });
    }

    /**
     * From now on a change wakes its watches when the thread that made it has committed since ({@link #committed}),
     * not at once: for reads that see committed state only. {@code commitsOf} tells a stream thread's commits so far
     * (any value below every count to come, when not known); whoever turns this on must report every thread's count.
     */
    public void wakeAtCommits(ToDoubleFunction<String> commitsOf) {
        this.commitsOf = commitsOf;
    }

    /**
     * Stream thread {@code thread} has made {@code commits} commits: wakes the watches of keys it changed before the
     * last of them, and keeps waiting those it changed again after. The watches are woken after the thread's marks are
     * let go: the stream thread marks them at every record it processes ({@link #changed}), and waited for this call's
     * wake-ups (an unpark each) while it held them (a JFR of 256 waiting answers: blocked 81 times, 1.85 s).
     */
    public void committed(String thread, double commits) {
        List<Watch> woken = new ArrayList<>();
        awaitingCommit.computeIfPresent(thread, (t, marks) -> {
            marks.entrySet().removeIf(mark -> {
                double[] span = mark.getValue();
                if (span[0] >= commits) {
                    return false;
                }
                woken.add(mark.getKey());
                span[0] = span[1];
                return span[1] < commits;
            });
            return marks.isEmpty() ? null : marks;
        });
        woken.forEach(Watch::wake);
    }

    /** Wakes every watch still waiting for a commit of {@code thread}: the thread gone, or its commits no longer seen. */
    public void wakeAll(String thread) {
        committed(thread, Double.POSITIVE_INFINITY);
    }

    /** Wakes every watch still waiting for a commit, of any thread. */
    public void wakeAll() {
        for (String thread : List.copyOf(awaitingCommit.keySet())) {
            wakeAll(thread);
        }
    }

    /** The threads whose changes wait for their commit. */
    public Set<String> threadsAwaitingCommit() {
        return Set.copyOf(awaitingCommit.keySet());
    }

    /** Whether anyone waits (so a processor can skip decoding a key nobody asked about). */
    public boolean anyWatched() {
        return !watches.isEmpty();
    }

    /**
     * Starts watching {@code keys} for a wait that holds no thread: {@code onChange} runs at each change after the last
     * {@link Watch#reset}, and at later ones, on the thread that reports it (a stream thread, or the one that reports
     * commits), so it must only hand the news on. Close the watch when done.
     */
    public Watch watch(Collection<String> keys, Runnable onChange) {
        Watch watch = new Watch(List.copyOf(keys), onChange);
        for (String key : watch.keys) {
            watches.compute(key, (k, set) -> {
                Set<Watch> watching = set != null ? set : ConcurrentHashMap.newKeySet();
                watching.add(watch);
                return watching;
            });
        }
        return watch;
    }

    /** One wait's interest in some keys. */
    public final class Watch implements AutoCloseable {
        private final List<String> keys;
        private final Runnable onChange;
        private volatile boolean changed;

        private Watch(List<String> keys, Runnable onChange) {
            this.keys = keys;
            this.onChange = onChange;
        }

        private void wake() {
            changed = true;
            onChange.run();
        }

        /** Forgets changes seen so far: call it before reading the stores, then see {@link #changed} after. */
        public void reset() {
            changed = false;
        }

        /** Whether a watched key has changed since the last {@link #reset}. */
        public boolean changed() {
            return changed;
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
