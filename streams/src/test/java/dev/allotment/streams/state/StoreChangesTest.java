package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StoreChangesTest {
    private static final Runnable NOTHING = () -> { };
    private final StoreChanges changes = new StoreChanges();

    @Test
    void aChangeOfAWatchedKeyIsSeenAndOthersAreNot() {
        try (StoreChanges.Watch watch = changes.watch(List.of("SKU-1", "o-1"), NOTHING)) {
            watch.reset();
            changes.changed("SKU-2");
            assertFalse(watch.changed(), "another key");
            changes.changed("o-1");
            assertTrue(watch.changed());
            watch.reset();
            assertFalse(watch.changed());
        }
    }

    @Test
    void aChangeRunsTheWatchsCallbackOnTheThreadThatMadeIt() throws Exception {
        List<String> ranOn = new CopyOnWriteArrayList<>();
        Runnable record = () -> ranOn.add(Thread.currentThread().getName());
        try (StoreChanges.Watch watch = changes.watch(List.of("k"), record)) {
            watch.reset();
            onThread("app-StreamThread-1", () -> changes.changed("j"));
            assertEquals(List.of(), ranOn, "another key");
            onThread("app-StreamThread-1", () -> changes.changed("k"));
            assertEquals(List.of("app-StreamThread-1"), ranOn, "handed the news by the changing thread, once");
            assertTrue(watch.changed());
        }
        changes.changed("k");
        assertEquals(1, ranOn.size(), "a closed watch is not called");
    }

    @Test
    void closedWatchesLeaveNothingBehind() {
        StoreChanges.Watch a = changes.watch(List.of("k", "j"), NOTHING);
        StoreChanges.Watch b = changes.watch(List.of("k"), NOTHING);
        assertTrue(changes.anyWatched());
        a.close();
        changes.changed("k");
        assertTrue(b.changed(), "b still watches k");
        b.close();
        assertFalse(changes.anyWatched());
    }

    @Test
    void atCommitsAChangeWakesItsWatchOnceItsThreadHasCommittedSinceAndNotBefore() throws Exception {
        Map<String, Double> commits = new ConcurrentHashMap<>(Map.of("app-StreamThread-1", 7.0, "app-StreamThread-2", 3.0));
        changes.wakeAtCommits(commits::get);
        try (StoreChanges.Watch watch = changes.watch(List.of("SKU-1"), NOTHING)) {
            watch.reset();
            onThread("app-StreamThread-1", () -> changes.changed("SKU-1"));   // made after commit 7: readable at commit 8
            assertFalse(watch.changed(), "processed, not committed: not readable yet");
            assertEquals(Set.of("app-StreamThread-1"), changes.threadsAwaitingCommit());
            changes.committed("app-StreamThread-1", 7);
            assertFalse(watch.changed(), "commit 7 seen late, after the change: it did not commit it");
            changes.committed("app-StreamThread-2", 9);
            assertFalse(watch.changed(), "another thread's commit");
            changes.committed("app-StreamThread-1", 8);
            assertTrue(watch.changed(), "its thread's next commit");
            assertEquals(Set.of(), changes.threadsAwaitingCommit());
            watch.reset();
            changes.committed("app-StreamThread-1", 9);
            assertFalse(watch.changed(), "a change wakes its watch once");
        }
    }

    @Test
    void atCommitsAKeyChangedAgainAfterACommitIsWokenByEachCommit() throws Exception {
        Map<String, Double> commits = new ConcurrentHashMap<>(Map.of("t", 1.0));
        changes.wakeAtCommits(commits::get);
        try (StoreChanges.Watch watch = changes.watch(List.of("k"), NOTHING)) {
            watch.reset();
            onThread("t", () -> changes.changed("k"));   // readable at commit 2
            commits.put("t", 2.0);
            onThread("t", () -> changes.changed("k"));   // readable at commit 3
            changes.committed("t", 2);
            assertTrue(watch.changed(), "the first change is committed");
            watch.reset();
            assertEquals(Set.of("t"), changes.threadsAwaitingCommit(), "the second still waits");
            changes.committed("t", 2);
            assertFalse(watch.changed());
            changes.committed("t", 3);
            assertTrue(watch.changed(), "the second change is committed");
            assertEquals(Set.of(), changes.threadsAwaitingCommit());
        }
    }

    @Test
    void atCommitsEveryAwaitedChangeCanBeWokenAtOnce() throws Exception {
        changes.wakeAtCommits(thread -> 0);
        try (StoreChanges.Watch a = changes.watch(List.of("a"), NOTHING);
             StoreChanges.Watch b = changes.watch(List.of("b"), NOTHING)) {
            onThread("t-1", () -> changes.changed("a"));
            onThread("t-2", () -> changes.changed("b"));
            assertFalse(a.changed() || b.changed());
            changes.wakeAll();
            assertTrue(a.changed() && b.changed());
            assertEquals(Set.of(), changes.threadsAwaitingCommit());
        }
    }

    private static void onThread(String name, Runnable action) throws InterruptedException {
        Thread thread = new Thread(action, name);
        thread.start();
        thread.join(10_000);
    }
}
