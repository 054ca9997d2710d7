package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A held store's close and its reads ({@link StoreHandles}): a close waits for the reads under way, an open iterator
 * counting as one until closed, and every read after it is refused; a handle replaced is closed.
 */
class StoreHandlesTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A store whose reads wait at {@code gate} once {@code entered} is counted down. */
    static final class Gated implements ReadOnlyKeyValueStore<String, String> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public String get(String key) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "v-" + key;
        }

        @Override
        public KeyValueIterator<String, String> range(String from, String to) {
            return all();
        }

        @Override
        public KeyValueIterator<String, String> all() {
            Iterator<KeyValue<String, String>> it = List.of(KeyValue.pair("a", "1"), KeyValue.pair("b", "2")).iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, String> next() {
                    return it.next();
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public long approximateNumEntries() {
            return 2;
        }
    }

    @Test
    void aCloseWaitsForTheReadUnderWayAndRefusesEveryReadAfter() throws Exception {
        StoreHandles handles = new StoreHandles();
        Gated store = new Gated();
        StoreHandles.Handle<String> handle = handles.open("s", 3, store);
        assertSame(handle, handles.held("s", 3));

        Future<String> read = threads.submit(() -> handles.<String>held("s", 3).get("k"));
        assertTrue(store.entered.await(5, TimeUnit.SECONDS), "the read is under way");
        Future<?> close = threads.submit(() -> handles.close(handle));
        assertThrows(TimeoutException.class, () -> close.get(300, TimeUnit.MILLISECONDS),
            "the close waits for the read under way");
        assertNull(handles.held("s", 3), "no longer handed out once its close began");
        assertThrows(InvalidStateStoreException.class, () -> handle.get("k2"), "a read that starts after the close began");

        store.gate.countDown();
        assertEquals("v-k", read.get(5, TimeUnit.SECONDS), "the read under way finishes");
        close.get(5, TimeUnit.SECONDS);
        assertTrue(handle.isClosed());
        assertThrows(InvalidStateStoreException.class, () -> handle.get("k3"));
        assertThrows(InvalidStateStoreException.class, handle::all);
    }

    @Test
    void anOpenIteratorHoldsTheCloseUntilItIsClosed() throws Exception {
        StoreHandles handles = new StoreHandles();
        StoreHandles.Handle<String> handle = handles.open("s", 0, new Gated());
        KeyValueIterator<String, String> it = handle.range("a", "z");
        assertEquals("a", it.next().key);
        Future<?> close = threads.submit(() -> handles.close(handle));
        assertThrows(TimeoutException.class, () -> close.get(300, TimeUnit.MILLISECONDS), "the iterator is open");
        assertEquals("b", it.next().key, "the open iterator still reads");
        it.close();
        close.get(5, TimeUnit.SECONDS);
        it.close();   // closing twice leaves once
        assertTrue(handle.isClosed());
    }

    @Test
    void aHandleReplacedIsClosedAndItsOldCloseLeavesTheNewOneHeld() {
        StoreHandles handles = new StoreHandles();
        StoreHandles.Handle<String> first = handles.open("s", 1, new Gated());
        StoreHandles.Handle<String> second = handles.open("s", 1, new Gated());
        assertTrue(first.isClosed(), "replaced");
        assertFalse(second.isClosed());
        handles.close(first);   // the first task's processor closing after the second's started
        assertSame(second, handles.held("s", 1), "the second stays held");
        assertEquals(1, handles.size());
        handles.close(second);
        assertEquals(0, handles.size());
    }

    @Test
    void theIsolationIsTheApplicationsInteractiveQueryLevel() {
        assertEquals(IsolationLevel.READ_COMMITTED, StoreHandles.isolation(
            Map.of(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "read_committed")));
        assertEquals(IsolationLevel.READ_UNCOMMITTED, StoreHandles.isolation(
            Map.of(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_UNCOMMITTED")));
        assertEquals(IsolationLevel.valueOf(StreamsConfig.configDef().defaultValues()
            .get(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG).toString().toUpperCase(java.util.Locale.ROOT)),
            StoreHandles.isolation(Map.of()), "Kafka Streams' default when not set");
    }
}
