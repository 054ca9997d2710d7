package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CommitTimeStore}: writes are read back at once, reach the store beneath only at the pre-commit flush (each key
 * once), deletions hide what is stored, iteration merges both in the store's order, and uncommitted writes can be
 * dropped. That the topology's commits go through the flush is proven by the topology tests, which read every order
 * through this store after Kafka Streams committed it.
 */
class CommitTimeStoreTest {
    private KeyValueStore<String, String> beneath;
    private CommitTimeStore<String> store;

    @BeforeEach
    void open() {
        beneath = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("orders"), Serdes.String(), Serdes.String())
            .withLoggingDisabled().withCachingDisabled().build();
        store = new CommitTimeStore<>(beneath, UnaryOperator.identity());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    private static List<String> keysAndValues(KeyValueIterator<String, String> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> out.add(kv.key + "=" + kv.value));
        }
        return out;
    }

    @Test
    void aWriteIsReadAtOnceAndReachesTheStoreBeneathAtTheFlushOnly() {
        store.put("o-1", "a");
        store.put("o-1", "b");
        assertEquals("b", store.get("o-1"));
        assertNull(beneath.get("o-1"), "not serialized before the commit");

        store.flushCache();

        assertEquals("b", beneath.get("o-1"), "the last write, once");
        assertEquals("b", store.get("o-1"));
    }

    @Test
    void theFlushTellsEachKeyOnceWithItsLastValueThenThatItIsDoneAndTheStoreCommitTellsNothing() {
        List<String> told = new ArrayList<>();
        CommitTimeStore.<String>onFlush(store, new CommitTimeStore.Flushes<>() {
            @Override
            public void written(String key, String value) {
                told.add(key + "=" + value);
            }

            @Override
            public void done() {
                told.add("done");
            }
        });
        store.put("o-2", "a");
        store.put("o-1", "a");
        store.put("o-2", "b");
        store.put("o-3", "a");
        store.delete("o-3");

        store.flushCache();
        assertEquals(Set.of("o-1=a", "o-2=b", "o-3=null"), Set.copyOf(told.subList(0, told.size() - 1)),
            "each key's last write");
        assertEquals(4, told.size(), "each key once, then done: " + told);
        assertEquals("done", told.get(3));

        told.clear();
        store.put("o-4", "a");
        store.commit(Map.of());
        assertEquals(List.of(), told, "the store's commit may come after the transaction's: nothing is told there");
        assertEquals("a", beneath.get("o-4"), "though the write still reaches the store beneath");

        store.flushCache();
        assertEquals(List.of(), told, "a commit that wrote nothing tells nothing (a standby's store is never written through)");
    }

    @Test
    void aQuietWriteCommitsButIsToldOnlyWhenTheSameCommitAlsoWroteTheKeyOrdinarily() {
        List<String> told = new ArrayList<>();
        CommitTimeStore.<String>onFlush(store, (key, value) -> told.add(key + "=" + value));
        java.util.function.BiConsumer<String, String> quietly = CommitTimeStore.quietPuts(store);
        quietly.accept("o-1", "a");                          // quiet alone
        store.put("o-2", "a");
        quietly.accept("o-2", "b");                          // quiet after an ordinary write: still told, with its value
        quietly.accept("o-3", "a");
        store.put("o-3", "b");                               // ordinary after a quiet one: told
        store.flushCache();

        assertEquals(Set.of("o-2=b", "o-3=b"), Set.copyOf(told));
        assertEquals(2, told.size(), told::toString);
        assertEquals(List.of("o-1=a", "o-2=b", "o-3=b"), keysAndValues(beneath.all()), "every write reaches the store");
        told.clear();
        quietly.accept("o-2", "c");
        store.flushCache();
        assertEquals(List.of(), told, "a later commit's quiet write alone is not told");
        assertEquals("c", beneath.get("o-2"));
    }

    @Test
    void aPendingValueIsReadAsTheStoresCopyOfItSoThatChangingWhatWasReadChangesNothingStored() {
        KeyValueStore<String, byte[]> bytesBeneath = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("bytes"),
            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        CommitTimeStore<byte[]> bytes = new CommitTimeStore<>(bytesBeneath, byte[]::clone);
        bytes.init(new MockProcessorContext<>().getStateStoreContext(), bytes);
        bytes.put("k", new byte[] {1});

        bytes.get("k")[0] = 2;   // changed by a reader
        try (KeyValueIterator<String, byte[]> it = bytes.all()) {
            it.next().value[0] = 3;   // changed by a scan
        }

        assertEquals(1, bytes.get("k")[0], "a read gets a copy, as a serializing store's read gets a fresh value");
    }

    @Test
    void aCommittedReadSeesOnlyWhatReachedTheStoreBeneathAndAnUncommittedOneSeesEverything() {
        store.put("o-1", "a");
        store.flushCache();
        store.put("o-1", "b");
        store.put("o-2", "c");

        ReadOnlyKeyValueStore<String, String> committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        assertEquals("a", committed.get("o-1"), "an interactive query at READ_COMMITTED does not see a pending write");
        assertNull(committed.get("o-2"));
        assertEquals(List.of("o-1=a"), keysAndValues(committed.all()));
        ReadOnlyKeyValueStore<String, String> uncommitted = store.readOnly(IsolationLevel.READ_UNCOMMITTED);
        assertEquals("b", uncommitted.get("o-1"));
        assertEquals(List.of("o-1=b", "o-2=c"), keysAndValues(uncommitted.all()));
        assertEquals("b", store.get("o-1"), "the task itself reads its latest write");
    }

    @Test
    void aDeletionHidesWhatIsStoredUntilItIsFlushed() {
        store.put("o-1", "a");
        store.flushCache();
        assertEquals("a", store.delete("o-1"));
        assertNull(store.get("o-1"));
        assertEquals(List.of(), keysAndValues(store.all()));
        assertEquals("a", beneath.get("o-1"));

        store.flushCache();

        assertNull(beneath.get("o-1"));
    }

    @Test
    void iterationMergesPendingWritesOverTheStoreInItsOrderBothWays() {
        beneath.putAll(List.of(KeyValue.pair("a", "1"), KeyValue.pair("c", "1"), KeyValue.pair("e", "1"), KeyValue.pair("g", "1")));
        store.put("b", "2");
        store.put("c", "2");
        store.delete("e");
        store.put("h", "2");

        assertEquals(List.of("a=1", "b=2", "c=2", "g=1", "h=2"), keysAndValues(store.all()));
        assertEquals(List.of("h=2", "g=1", "c=2", "b=2", "a=1"), keysAndValues(store.reverseAll()));
        assertEquals(List.of("b=2", "c=2", "g=1"), keysAndValues(store.range("b", "g")));
        assertEquals(List.of("g=1", "c=2"), keysAndValues(store.reverseRange("c", "g")));
        assertEquals(List.of("c=2", "g=1", "h=2"), keysAndValues(store.range("c", null)));
        assertEquals(List.of("c=2", "b=2", "a=1"), keysAndValues(store.reverseRange(null, "d")));
        assertEquals(List.of(), keysAndValues(store.range("g", "b")), "from after to: nothing, as the store beneath answers");
        store.put("ca", "3");
        assertEquals(List.of("c=2", "ca=3"), keysAndValues(store.prefixScan("c", new StringSerializer())));
    }

    @Test
    void uncommittedWritesAreDroppedWhenTheCacheIsClearedOrTheStoreClosed() {
        store.put("o-1", "a");
        store.clearCache();
        assertNull(store.get("o-1"));
        store.flushCache();
        assertNull(beneath.get("o-1"), "nothing left to write");
    }

    @Test
    void afterAFlushOfManyKeysOneOfFewReplacesTheWritesMapAndLosesNothing() {
        List<String> told = new ArrayList<>();
        CommitTimeStore.<String>onFlush(store, (key, value) -> told.add(key + "=" + value));
        for (int i = 0; i < CommitTimeStore.SHRINK_FROM; i++) {
            store.put("o-" + i, "a");
        }
        store.flushCache();
        store.put("o-1", "b");
        store.delete("o-2");
        store.flushCache();
        assertEquals(1, store.shrinks(), "a flush of 2 keys after one of " + CommitTimeStore.SHRINK_FROM);
        assertEquals("b", beneath.get("o-1"));
        assertNull(beneath.get("o-2"));
        assertEquals("a", store.get("o-3"));

        store.put("n-1", "c");
        assertEquals("c", store.get("n-1"), "a write after the map was replaced is read at once");
        assertNull(beneath.get("n-1"));
        assertEquals(List.of("n-1=c"), keysAndValues(store.prefixScan("n-", new StringSerializer())));
        store.flushCache();
        assertEquals("c", beneath.get("n-1"));
        assertEquals(1, store.shrinks(), "flushes about as large as the last leave the map as it is");
        assertEquals(CommitTimeStore.SHRINK_FROM + 3, told.size());
        assertEquals(List.of("o-1=b", "o-2=null", "n-1=c"), told.subList(CommitTimeStore.SHRINK_FROM, told.size()));
    }

    @Test
    void aKeyWrittenAgainWhileItsFlushTellsOfItWaitsForTheNextFlushAndKeepsTheMapTillThen() {
        for (int i = 0; i < CommitTimeStore.SHRINK_FROM; i++) {
            store.put("o-" + i, "a");
        }
        store.flushCache();
        CommitTimeStore.<String>onFlush(store, (key, value) -> {
            if ("first".equals(value)) {
                store.put(key, "again");
            }
        });
        store.put("k", "first");
        store.flushCache();
        assertEquals("first", beneath.get("k"));
        assertEquals("again", store.get("k"));
        assertEquals(0, store.shrinks(), "not replaced while it holds a write");

        store.flushCache();
        assertEquals("again", beneath.get("k"), "the write made during the last flush, in this one");
        assertEquals(1, store.shrinks());
    }

    /** The pending writes must sort as the store beneath iterates: by the keys' UTF-8 bytes. */
    @Property(tries = 2_000)
    void keysSortAsTheirUtf8Bytes(@ForAll String a, @ForAll String b) {
        Assume.that(wellFormed(a) && wellFormed(b));   // an unpaired surrogate is no id: UTF-8 cannot carry it
        int bytes = Integer.signum(Bytes.BYTES_LEXICO_COMPARATOR.compare(a.getBytes(StandardCharsets.UTF_8),
            b.getBytes(StandardCharsets.UTF_8)));
        assertEquals(bytes, Integer.signum(CommitTimeStore.BYTE_ORDER.compare(a, b)), () -> Map.of("a", a, "b", b).toString());
    }

    private static boolean wellFormed(String s) {
        return s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
