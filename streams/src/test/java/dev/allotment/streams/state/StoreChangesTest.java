package dev.allotment.streams.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoreChangesTest {
    private final StoreChanges changes = new StoreChanges();

    @Test
    void aChangeOfAWatchedKeyIsSeenAndOthersAreNot() {
        try (StoreChanges.Watch watch = changes.watch(List.of("SKU-1", "o-1"))) {
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
    void aChangeBetweenResetAndAwaitIsNotLost() {
        try (StoreChanges.Watch watch = changes.watch(List.of("k"))) {
            watch.reset();
            changes.changed("k");   // the store changed after the wait's read: the wait must not sleep
            long t0 = System.nanoTime();
            watch.await(TimeUnit.SECONDS.toNanos(30));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "returned at once, not after 30 s");
        }
    }

    @Test
    void aWaitingThreadIsWokenByAnotherThreadsChange() throws Exception {
        CountDownLatch watching = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try (StoreChanges.Watch watch = changes.watch(List.of("k"))) {
                watch.reset();
                watching.countDown();
                watch.await(TimeUnit.SECONDS.toNanos(60));
                if (watch.changed()) {
                    woken.countDown();
                }
            }
        });
        waiter.start();
        assertTrue(watching.await(10, TimeUnit.SECONDS));
        changes.changed("k");
        assertTrue(woken.await(30, TimeUnit.SECONDS), "woken by the change, long before its 60 s bound");
        waiter.join(Duration.ofSeconds(10).toMillis());
    }

    @Test
    void closedWatchesLeaveNothingBehind() {
        StoreChanges.Watch a = changes.watch(List.of("k", "j"));
        StoreChanges.Watch b = changes.watch(List.of("k"));
        assertTrue(changes.anyWatched());
        a.close();
        changes.changed("k");
        assertTrue(b.changed(), "b still watches k");
        b.close();
        assertFalse(changes.anyWatched());
    }
}
