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
            Polling.until(Duration.ofSeconds(30), changes, List.of("S1"), () -> {
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
}
