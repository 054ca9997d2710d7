package dev.allotment.streams.state;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores of this instance's running tasks, by store and partition, held for the edge's keyed reads so that a read
 * does not look its store up in Kafka Streams again. {@code KafkaStreams.store(...)} hands out a view that finds the
 * task's store anew at every operation, and that lookup takes the stream thread's task registry lock and the state
 * updater's queue locks (docs/upstream/kafka-streams-iq-read-takes-task-locks.md): with 256 connections the edge's
 * reads queued on it, and the stream thread with them.
 *
 * <p>A store is handed out here from when its task's processor is initialized (the task is running: restored, its
 * stores open) until that processor is closed, which Kafka Streams does when it suspends the task, before it closes
 * the task's stores: {@link #publishing} wraps the processor that does it. What is held is the store as an interactive
 * query reads it, at the application's interactive-query isolation level ({@code READ_COMMITTED} in the engine: an
 * answer never shows a write a crash can still roll back). Each read through a handle is counted in and out, and a
 * handle's close marks it closed and then waits for the reads under way to finish, so no read reaches a store after
 * its close (a RocksDB read-only view is not synchronized with the store's close, and a view kept past a close would
 * read a closed database if the store were opened again). A read of a closed handle fails with
 * {@link InvalidStateStoreException}, which the reader takes as "moving" and asks again ({@link LocalEngineState}).
 *
 * <p>Standby copies are not held here: a read that may answer from one goes through Kafka Streams' lookup.
 */
public final class StoreHandles {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHandles.class);
    /** How long a close waits for the reads under way on its handle (each a RocksDB read or a bounded scan). */
    static final long CLOSE_WAIT_NS = TimeUnit.SECONDS.toNanos(5);

    private record Key(String store, int partition) {
    }

    private final Map<Key, Handle<?>> open = new ConcurrentHashMap<>();

    /** The running task's store {@code store} of {@code partition}, as queries read it; null when none is held here. */
    @SuppressWarnings("unchecked")
    public <V> ReadOnlyKeyValueStore<String, V> held(String store, int partition) {
        return (ReadOnlyKeyValueStore<String, V>) open.get(new Key(store, partition));
    }

    /** How many stores are held now. */
    public int size() {
        return open.size();
    }

    /**
     * {@code inner}, whose processors hand out their task's {@code stores} here while they run: from their
     * {@code init} until their {@code close}. Only String-keyed key-value stores.
     */
    public <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> publishing(ProcessorSupplier<KIn, VIn, KOut, VOut> inner,
                                                                                     String... stores) {
        return () -> new Publishing<>(inner.get(), stores);
    }

    /** Holds {@code view} as {@code store} of {@code partition}, closing the handle it replaces; the new handle. */
    <V> Handle<V> open(String store, int partition, ReadOnlyKeyValueStore<String, V> view) {
        Handle<V> handle = new Handle<>(view, store, partition);
        Handle<?> before = open.put(new Key(store, partition), handle);
        if (before != null) {
            before.close();
        }
        return handle;
    }

    /** Stops handing out {@code handle}, and waits for the reads under way on it. */
    void close(Handle<?> handle) {
        open.remove(new Key(handle.store, handle.partition), handle);
        handle.close();
    }

    /**
     * The store an interactive query at {@code isolation} reads of {@code store} as a processor gets it: the processor
     * context's read-write decorator answers {@code readOnly} with itself, uncommitted writes and all, so the store
     * beneath it is asked.
     */
    @SuppressWarnings("unchecked")
    static <V> ReadOnlyKeyValueStore<String, V> queried(StateStore store, IsolationLevel isolation) {
        StateStore s = store;
        if (s instanceof WrappedStateStore<?, ?, ?> decorator
            && s.getClass().getName().startsWith("org.apache.kafka.streams.processor.internals.")) {
            s = decorator.wrapped();
        }
        return ((KeyValueStore<String, V>) s).readOnly(isolation);
    }

    /** The interactive-query isolation level of an application with {@code configs}. */
    static IsolationLevel isolation(Map<String, Object> configs) {
        Object level = configs.get(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG);
        if (level == null) {
            level = StreamsConfig.configDef().defaultValues().get(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG);
        }
        return level instanceof IsolationLevel l ? l : IsolationLevel.valueOf(level.toString().trim().toUpperCase(Locale.ROOT));
    }

    /** A processor that hands out its task's stores while it runs. */
    private final class Publishing<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
        private final Processor<KIn, VIn, KOut, VOut> inner;
        private final String[] stores;
        private final Handle<?>[] handles;

        Publishing(Processor<KIn, VIn, KOut, VOut> inner, String[] stores) {
            this.inner = inner;
            this.stores = stores.clone();
            this.handles = new Handle<?>[stores.length];
        }

        @Override
        public void init(ProcessorContext<KOut, VOut> context) {
            inner.init(context);
            IsolationLevel isolation = isolation(context.appConfigs());
            int partition = context.taskId().partition();
            for (int i = 0; i < stores.length; i++) {
                handles[i] = open(stores[i], partition, queried(context.getStateStore(stores[i]), isolation));
            }
        }

        @Override
        public void process(Record<KIn, VIn> record) {
            inner.process(record);
        }

        @Override
        public void close() {
            for (int i = 0; i < handles.length; i++) {
                if (handles[i] != null) {
                    StoreHandles.this.close(handles[i]);
                    handles[i] = null;
                }
            }
            inner.close();
        }
    }

    /**
     * One held store: its reads counted in and out, refused once it is closed. An iterator counts as a read until it is
     * closed.
     */
    static final class Handle<V> implements ReadOnlyKeyValueStore<String, V> {
        private final ReadOnlyKeyValueStore<String, V> view;
        private final String store;
        private final int partition;
        private final AtomicInteger reading = new AtomicInteger();
        private volatile boolean closed;

        Handle(ReadOnlyKeyValueStore<String, V> view, String store, int partition) {
            this.view = Objects.requireNonNull(view);
            this.store = store;
            this.partition = partition;
        }

        private void enter() {
            reading.incrementAndGet();
            if (closed) {
                reading.decrementAndGet();
                throw new InvalidStateStoreException("store " + store + " of partition " + partition + " has closed here");
            }
        }

        private void leave() {
            reading.decrementAndGet();
        }

        /** Refuses reads from now on, then waits (up to {@link #CLOSE_WAIT_NS}) for those under way. */
        void close() {
            closed = true;
            long deadline = System.nanoTime() + CLOSE_WAIT_NS;
            while (reading.get() > 0) {
                if (System.nanoTime() - deadline >= 0) {
                    LOG.warn("store {} of partition {} closes with {} reads (or unclosed iterators) still on it",
                        store, partition, reading.get());
                    return;
                }
                LockSupport.parkNanos(50_000);
            }
        }

        boolean isClosed() {
            return closed;
        }

        @Override
        public V get(String key) {
            enter();
            try {
                return view.get(key);
            } finally {
                leave();
            }
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            enter();
            return counted(() -> view.range(from, to));
        }

        @Override
        public KeyValueIterator<String, V> reverseRange(String from, String to) {
            enter();
            return counted(() -> view.reverseRange(from, to));
        }

        @Override
        public KeyValueIterator<String, V> all() {
            enter();
            return counted(view::all);
        }

        @Override
        public KeyValueIterator<String, V> reverseAll() {
            enter();
            return counted(view::reverseAll);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
            enter();
            return counted(() -> view.prefixScan(prefix, prefixKeySerializer));
        }

        @Override
        public long approximateNumEntries() {
            enter();
            try {
                return view.approximateNumEntries();
            } finally {
                leave();
            }
        }

        /** The iterator {@code opening} opens (the read already entered), leaving when it closes. */
        private KeyValueIterator<String, V> counted(Supplier<KeyValueIterator<String, V>> opening) {
            KeyValueIterator<String, V> it;
            try {
                it = opening.get();
            } catch (RuntimeException e) {
                leave();
                throw e;
            }
            return new KeyValueIterator<>() {
                private boolean left;

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    return it.next();
                }

                @Override
                public String peekNextKey() {
                    return it.peekNextKey();
                }

                @Override
                public void close() {
                    try {
                        it.close();
                    } finally {
                        if (!left) {
                            left = true;
                            leave();
                        }
                    }
                }
            };
        }
    }
}
