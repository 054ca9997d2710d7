package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.streams.state.StoreChanges;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A keyed wait reads its stores again when a processor signals a change of its key, and without a signal, where this
 * instance's processors change the key, less and less often (20, 40, 80, then every 100 ms): many waiting answers must
 * not read the stores so often that the stream thread whose commit they wait for is starved. Where another instance
 * changes the key, no signal comes, and the wait reads every 20 ms.
 */
class PollingTest {
    private final StoreChanges changes = new StoreChanges();

    @Test
    void aWaitForKeysChangedHereReadsLessOftenWithoutSignalsTheLongerItWaits() {
        AtomicInteger reads = new AtomicInteger();
        long started = System.nanoTime();
        Optional<String> answer = Polling.until(Duration.ofMillis(1_000), changes, List.of("S1"), true, () -> {
            reads.incrementAndGet();
            return Optional.empty();
        });
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertTrue(answer.isEmpty());
        assertTrue(tookMs >= 1_000, "waited its bound: " + tookMs + " ms");
        // at 0, 20, 60, 140, then every 100 ms: 13 in a second (a read every 20 ms would make 50); fewer when pauses overrun
        assertTrue(reads.get() >= 4 && reads.get() <= 14, "reads in a second: " + reads.get());
    }

    @Test
    void aWaitForKeysChangedElsewhereReadsEvery20Ms() {
        AtomicInteger reads = new AtomicInteger();
        Polling.until(Duration.ofMillis(500), changes, List.of("S1"), false, () -> {
            reads.incrementAndGet();
            return Optional.empty();
        });
        // no signal will come (another instance changes them): 26 reads in half a second, fewer when pauses overrun
        assertTrue(reads.get() >= 15 && reads.get() <= 27, "reads in half a second: " + reads.get());
    }

    @Test
    void aSignalOfItsKeyWakesTheWaitWhateverItsPause() throws Exception {
        AtomicBoolean decided = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        long minute = TimeUnit.SECONDS.toNanos(60);   // no unsignalled read within the test: only a signal can end it
        CompletableFuture<Optional<String>> waiting = CompletableFuture.supplyAsync(() ->
            Polling.after(() -> { }, Duration.ofSeconds(30), changes, List.of("S1"), () -> {
                reads.incrementAndGet();
                return decided.get() ? Optional.of("decided") : Optional.empty();
            }, minute, minute));
        while (reads.get() < 1) {
            Thread.onSpinWait();
        }
        changes.changed("S2");   // another key's change: no read
        assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
        assertEquals(1, reads.get(), "not woken by another key");

        decided.set(true);
        changes.changed("S1");
        assertEquals(Optional.of("decided"), waiting.get(10, TimeUnit.SECONDS), "woken by the signal, not after a minute");
        assertEquals(2, reads.get(), "one read per wake");
    }

    @Test
    void aChangeProcessedWhileTheWaitStartsItsCommandIsSignalledAtItsCommit() throws Exception {
        // reads are committed: a change wakes its watches when the thread that made it has committed since
        double[] commits = {0};
        changes.wakeAtCommits(thread -> commits[0]);
        AtomicBoolean committed = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        long minute = TimeUnit.SECONDS.toNanos(60);   // no read without a signal within the test
        // the stream thread processes the command before its publisher's acknowledgement returns, and commits later
        Runnable publish = () -> onStreamThread(() -> changes.changed("S1"));
        CompletableFuture<Optional<String>> waiting = CompletableFuture.supplyAsync(() ->
            Polling.after(publish, Duration.ofSeconds(30), changes, List.of("S1"), () -> {
                reads.incrementAndGet();
                return committed.get() ? Optional.of("decided") : Optional.empty();
            }, minute, minute));
        while (reads.get() < 1) {
            Thread.onSpinWait();
        }
        assertEquals(java.util.Set.of("stream-1"), changes.threadsAwaitingCommit(), "the change marked the wait for its commit");

        onStreamThread(() -> {
            committed.set(true);
            commits[0] = 1;
            changes.committed("stream-1", 1);
        });
        assertEquals(Optional.of("decided"), waiting.get(10, TimeUnit.SECONDS), "woken by the commit, not after a minute");
        assertEquals(2, reads.get());
    }

    /** Runs {@code work} on a thread named as a stream thread, and waits for it. */
    private static void onStreamThread(Runnable work) {
        Thread thread = new Thread(work, "stream-1");
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
