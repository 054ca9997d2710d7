package dev.allotment.streams.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store whose writes since the last commit are kept as objects and written (serialized) into the store
 * beneath it once, when the task commits, instead of at every write: an order's projection changes with every decision
 * about it, and serializing all of it for each one made a big order's folding cost its size times its decisions (issue
 * 15 defect 5). The task's own reads see the latest write, as with Kafka Streams' record cache. An interactive query
 * at {@code READ_COMMITTED} (the engine's default) reads the store beneath's committed view instead ({@link
 * #readOnly}): neither the pending writes nor those staged beneath until the transaction commits.
 *
 * <p>The writes reach the store beneath in the task's pre-commit flush, which Kafka Streams gives to its own caching
 * stores ({@code CachedStateStore.flushCache}, called by {@code StreamTask.flush} before the changelog's producer is
 * flushed and the transaction committed): under exactly-once they are in the same transaction as the input they came
 * from. That hook is Kafka Streams' internal API (this class extends {@link WrappedStateStore} for it), so the engine's
 * tests prove it is called: the topology tests commit through it, and the crash tests audit the folded state against the
 * log. Values written must never be changed afterwards: readers on other threads (interactive queries) may hold them;
 * the order fold copies on write.
 */
final class CommitTimeStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V> implements KeyValueStore<String, V> {
    /** Keys in the order the store beneath iterates them: their UTF-8 bytes', which is code point order. */
    static final Comparator<String> BYTE_ORDER = CommitTimeStore::compareCodePoints;

    /**
     * A write not yet in the store beneath: a value, or a deletion (null); {@code quiet} when {@link Flushes} is not to
     * be told of it ({@link #quietPuts}).
     */
    private record Pending<V>(V value, boolean quiet) {
        Pending(V value) {
            this(value, false);
        }
    }

    /**
     * Told what each commit writes, in the commit's flush (inside its transaction): a processor publishes a "latest" feed
     * from it, once per key per commit ({@link CommitForwarder}).
     */
    interface Flushes<V> {
        /** {@code key} is written with {@code value} (null: deleted) by this commit. */
        void written(String key, V value);

        /** Every key of this commit has been written (told only after a commit that wrote something). */
        default void done() {}
    }

    /** A flush that writes this many keys or more may leave a table worth replacing ({@link #shrinkAfter}). */
    static final int SHRINK_FROM = 1_024;
    /** ...once a later flush writes fewer than a {@code SHRINK_RATIO}th of the most it has written. */
    static final int SHRINK_RATIO = 8;

    /**
     * The writes since the last commit, by key: a hash map, since the task reads and writes single keys (a sorted map's
     * comparisons of long shared key prefixes were 4 % of the stream thread); a range read sorts what it needs. Written
     * by the task's thread alone; replaced by it, only while empty ({@link #shrinkAfter}), so a reader on another thread
     * that holds the map it replaced finds no write there either way.
     */
    private volatile ConcurrentHashMap<String, Pending<V>> pending = new ConcurrentHashMap<>();
    /** The most keys a flush has written since {@link #pending} was made: its table is sized for about that many. */
    private int peakFlush;
    private int shrinks;
    private volatile Flushes<V> flushes;
    /** What the task's own reads get of a pending value: the value itself, or a copy when the task changes what it reads. */
    private final UnaryOperator<V> readCopy;

    CommitTimeStore(KeyValueStore<String, V> inner, UnaryOperator<V> readCopy) {
        super(inner);
        this.readCopy = readCopy;
    }

    /**
     * A persistent, changelogged store of {@code name} (no record cache: this store is the cache) under one, for values
     * that are never changed once written (the order fold copies on write): a read of a pending value gets it as it is.
     */
    static <V> StoreBuilder<KeyValueStore<String, V>> builder(String name, Serde<V> values) {
        return builder(name, values, UnaryOperator.identity());
    }

    /**
     * As {@link #builder(String, Serde)}, for values the task changes in place once read (the SKU desk's stock): a read
     * of a pending value gets {@code readCopy} of it, as a read of a serializing store gets a fresh value, so that a
     * dry run or a refused input changes nothing it did not write.
     */
    static <V> StoreBuilder<KeyValueStore<String, V>> builder(String name, Serde<V> values, UnaryOperator<V> readCopy) {
        StoreBuilder<KeyValueStore<String, V>> inner = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
            Serdes.String(), values);
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
                return this;   // this store caches already
            }

            @Override
            public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<String, V> build() {
                return new CommitTimeStore<>(inner.build(), readCopy);
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    /**
     * Tells {@code flushes} what each commit writes to {@code store}, a CommitTimeStore as a processor gets it (under
     * Kafka Streams' read-write decorator); replaces the one told before (a task's processor is initialised again when
     * the task is recycled).
     */
    static <V> void onFlush(StateStore store, Flushes<V> flushes) {
        CommitTimeStore.<V>unwrap(store).flushes = flushes;
    }

    /** The CommitTimeStore under Kafka Streams' decorators of {@code store}. */
    @SuppressWarnings("unchecked")
    private static <V> CommitTimeStore<V> unwrap(StateStore store) {
        StateStore s = store;
        while (!(s instanceof CommitTimeStore<?>) && s instanceof WrappedStateStore<?, ?, ?> wrapper) {
            s = wrapper.wrapped();
        }
        if (!(s instanceof CommitTimeStore<?> commitTime)) {
            throw new IllegalArgumentException("store " + store.name() + " is not a CommitTimeStore");
        }
        return (CommitTimeStore<V>) commitTime;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        pending.clear();
        super.init(context, root);
    }

    /**
     * Before every commit: what was written since the last one goes into the store beneath, each key once, and {@link
     * Flushes} hears of each.
     */
    @Override
    public void flushCache() {
        writePending(flushes);
        super.flushCache();
    }

    @Override
    public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
        // empty after flushCache: a commit path that skipped it still writes before the store commits; nothing may be
        // forwarded here (the transaction may be committed already)
        writePending(null);
        super.commit(changelogOffsets);
    }

    /** Uncommitted writes are dropped (a task recycled or closed without committing reads its input again). */
    @Override
    public void clearCache() {
        pending.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        pending.clear();
        super.close();
    }

    private void writePending(Flushes<V> told) {
        if (pending.isEmpty()) {
            // nothing to tell: and a standby task (its store recycled from an active one, whose processor set the
            // listener) restores beneath this store, never through it, so it is never told anything either
            return;
        }
        // a snapshot, in the map's own order: nothing needs the keys sorted (the store beneath takes them in any order,
        // and a feed's records are about different keys), and sorting them was 1-2 % of the stream thread
        List<Map.Entry<String, Pending<V>>> writes = new ArrayList<>(pending.entrySet());
        for (Map.Entry<String, Pending<V>> e : writes) {
            if (e.getValue().value() == null) {
                wrapped().delete(e.getKey());
            } else {
                wrapped().put(e.getKey(), e.getValue().value());
            }
            pending.remove(e.getKey(), e.getValue());   // after the write: a reader finds the key in one place or the other
            if (told != null && !e.getValue().quiet()) {
                told.written(e.getKey(), e.getValue().value());
            }
        }
        if (told != null) {
            told.done();
        }
        shrinkAfter(writes.size());
    }

    /**
     * A hash map's table never shrinks, and walking it (the flush's snapshot, a range read) visits every slot: after one
     * commit of a backlog (the edge's set-up of 60,000 orders; an unthrottled run's first commits) every later flush
     * walked that commit's table for a few hundred keys, 2.5 % of the stream thread in a JFR of the 256-connection edge
     * run and 0.9 % in a steady one (RESULTS.md, "The 256-connection edge profiled"). So once a flush has written far
     * fewer keys than the most since the map was made, and left it empty, the map is replaced by a new one: its table
     * grows again to what the commits need now.
     */
    private void shrinkAfter(int written) {
        peakFlush = Math.max(peakFlush, written);
        if (peakFlush >= SHRINK_FROM && (long) written * SHRINK_RATIO < peakFlush && pending.isEmpty()) {
            pending = new ConcurrentHashMap<>();
            peakFlush = written;
            shrinks++;
        }
    }

    /** How many times the writes' map has been replaced by a smaller one: for tests. */
    int shrinks() {
        return shrinks;
    }

    /**
     * What an interactive query reads (Kafka Streams asks each task's store for its view at the query's isolation):
     * at {@code READ_COMMITTED}, the store beneath's committed view, so an answer never shows a write a crash can still
     * roll back; at {@code READ_UNCOMMITTED}, this store, pending writes included. Without this the query read this
     * store itself, pending writes and all, whatever its isolation (found by UncommittedDecisionsIT: an order was
     * answered before its reservation was committed).
     */
    @Override
    public ReadOnlyKeyValueStore<String, V> readOnly(IsolationLevel isolation) {
        return isolation == IsolationLevel.READ_COMMITTED ? wrapped().readOnly(isolation) : this;
    }

    /**
     * Writes to {@code store} (a CommitTimeStore as a processor gets it) that commit like any other, but that its
     * {@link Flushes} is not told of unless the same commit also writes the key in the ordinary way: for a value that
     * changed only in what a feed published from the flushes does not carry.
     */
    static <V> BiConsumer<String, V> quietPuts(StateStore store) {
        CommitTimeStore<V> commitTime = unwrap(store);
        return (key, value) -> commitTime.pending.compute(key, (k, before) ->
            new Pending<>(value, before == null || before.quiet()));
    }

    @Override
    public V get(String key) {
        Pending<V> p = pending.get(key);
        return p == null ? wrapped().get(key) : p.value() == null ? null : readCopy.apply(p.value());
    }

    @Override
    public void put(String key, V value) {
        pending.put(key, new Pending<>(value));
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public V delete(String key) {
        V existing = get(key);
        pending.put(key, new Pending<>(null));
        return existing;
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        return merged(wrapped().range(from, to), pendingBetween(from, to, false), false);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        return merged(wrapped().reverseRange(from, to), pendingBetween(from, to, true), true);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return range(null, null);
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        return reverseRange(null, null);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
        String start = String.valueOf(prefix);
        List<Map.Entry<String, Pending<V>>> matching = sortedPending(k -> k.startsWith(start), false);
        return merged(wrapped().prefixScan(prefix, prefixKeySerializer), matching, false);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + pending.size();
    }

    /** A snapshot of the pending writes in [from, to] (null: open), in iteration order. */
    private List<Map.Entry<String, Pending<V>>> pendingBetween(String from, String to, boolean reverse) {
        if (from != null && to != null && BYTE_ORDER.compare(from, to) > 0) {
            return List.of();
        }
        return sortedPending(k -> (from == null || BYTE_ORDER.compare(k, from) >= 0) && (to == null || BYTE_ORDER.compare(k, to) <= 0),
            reverse);
    }

    /** A snapshot of the pending writes whose keys {@code match}, in the store beneath's order (or its reverse). */
    private List<Map.Entry<String, Pending<V>>> sortedPending(Predicate<String> match, boolean reverse) {
        List<Map.Entry<String, Pending<V>>> snapshot = new ArrayList<>();
        pending.forEach((k, v) -> {
            if (match.test(k)) {
                snapshot.add(Map.entry(k, v));
            }
        });
        snapshot.sort(Map.Entry.comparingByKey(reverse ? BYTE_ORDER.reversed() : BYTE_ORDER));
        return snapshot;
    }

    /** The store's entries with the pending writes over them: a pending value replaces the stored one, a deletion hides it. */
    private KeyValueIterator<String, V> merged(KeyValueIterator<String, V> stored, List<Map.Entry<String, Pending<V>>> writes,
                                              boolean reverse) {
        Comparator<String> order = reverse ? BYTE_ORDER.reversed() : BYTE_ORDER;
        return new KeyValueIterator<>() {
            private int w;
            private KeyValue<String, V> next;

            private KeyValue<String, V> advance() {
                while (true) {
                    boolean haveStored = stored.hasNext();
                    boolean haveWrite = w < writes.size();
                    if (!haveStored && !haveWrite) {
                        return null;
                    }
                    int c = !haveWrite ? -1 : !haveStored ? 1 : order.compare(stored.peekNextKey(), writes.get(w).getKey());
                    if (c < 0) {
                        return stored.next();
                    }
                    if (c == 0) {
                        stored.next();   // replaced by the pending write
                    }
                    Map.Entry<String, Pending<V>> write = writes.get(w++);
                    if (write.getValue().value() != null) {
                        return KeyValue.pair(write.getKey(), readCopy.apply(write.getValue().value()));
                    }
                }
            }

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = advance();
                }
                return next != null;
            }

            @Override
            public KeyValue<String, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                KeyValue<String, V> result = next;
                next = null;
                return result;
            }

            @Override
            public String peekNextKey() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return next.key;
            }

            @Override
            public void close() {
                stored.close();
            }
        };
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
