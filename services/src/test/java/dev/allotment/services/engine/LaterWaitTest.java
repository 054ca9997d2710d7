package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.streams.state.StoreChanges;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.propagation.PropagatedContextElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A wait as a future looks when its keys change and, without a signal, where this instance's processors change the
 * keys, less and less often (20, 40, 80, then every 100 ms): many waiting answers must not read the stores so often that
 * the stream thread whose commit they wait for is starved. Where another instance changes the keys, no signal comes,
 * and the wait looks every 20 ms. Between its looks it holds no thread: a thousand waits share one.
 */
class LaterWaitTest {
    private static final long MINUTE = TimeUnit.SECONDS.toNanos(60);
    private final StoreChanges changes = new StoreChanges();
    private final ExecutorService looks = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void close() {
        looks.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void anAnswerThereAtOnceIsGivenOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> lookedOn = new AtomicReference<>();
        CompletableFuture<Optional<String>> answer = LaterWait.start(MINUTE, changes, List.of("S1"), () -> {
            lookedOn.set(Thread.currentThread());
            return Optional.of("decided");
        }, MINUTE, MINUTE, looks, timer);

        assertTrue(answer.isDone());
        assertEquals(Optional.of("decided"), answer.join());
        assertSame(caller, lookedOn.get());
        assertFalse(changes.anyWatched(), "the watch is closed");
    }

    @Test
    void aSignalOfItsKeyEndsTheWaitWhateverItsPause() throws Exception {
        AtomicBoolean decided = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Optional<String>> answer = LaterWait.start(TimeUnit.SECONDS.toNanos(30), changes, List.of("S1"), () -> {
            reads.incrementAndGet();
            return decided.get() ? Optional.of("decided") : Optional.empty();
        }, MINUTE, MINUTE, looks, timer);

        changes.changed("S2");   // another key's change: no look
        assertThrows(TimeoutException.class, () -> answer.get(200, TimeUnit.MILLISECONDS));
        assertEquals(1, reads.get(), "not woken by another key");

        decided.set(true);
        changes.changed("S1");
        assertEquals(Optional.of("decided"), answer.get(10, TimeUnit.SECONDS), "woken by the signal, not after a minute");
        assertEquals(2, reads.get(), "one look per signal");
        assertFalse(changes.anyWatched(), "the watch is closed");
    }

    @Test
    void withoutSignalsItLooksLessOftenTheLongerItWaitsAndEndsEmptyAtItsBound() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        long started = System.nanoTime();
        CompletableFuture<Optional<String>> answer = LaterWait.start(TimeUnit.SECONDS.toNanos(1), changes, List.of("S1"), () -> {
            reads.incrementAndGet();
            return Optional.empty();
        }, LaterWaits.UNSIGNALLED_NS, LaterWaits.UNSIGNALLED_MAX_NS, looks, timer);

        assertEquals(Optional.empty(), answer.get(10, TimeUnit.SECONDS));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= 1_000, "waited its bound: " + tookMs + " ms");
        // at 0, 20, 60, 140, then every 100 ms: 13 in a second (a look every 20 ms would make 50)
        assertTrue(reads.get() >= 4 && reads.get() <= 14, "looks in a second: " + reads.get());
        assertFalse(changes.anyWatched(), "the watch is closed");
    }

    @Test
    void aWaitForKeysChangedElsewhereLooksEvery20Ms() throws Exception {
        LaterWaits waits = new LaterWaits(looks);
        try {
            AtomicInteger reads = new AtomicInteger();
            CompletableFuture<Optional<String>> answer = waits.until(java.time.Duration.ofMillis(500), changes, List.of("S1"),
                false, () -> {
                    reads.incrementAndGet();
                    return Optional.empty();
                });
            assertEquals(Optional.empty(), answer.get(10, TimeUnit.SECONDS));
            // no signal will come (another instance changes them): 26 looks in half a second, fewer when pauses overrun
            assertTrue(reads.get() >= 15 && reads.get() <= 27, "looks in half a second: " + reads.get());
        } finally {
            waits.close();
        }
    }

    @Test
    void aThousandWaitsHoldNoThreadBetweenTheirLooks() throws Exception {
        Set<String> decided = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Optional<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String key = "S" + i;
            answers.add(LaterWait.start(TimeUnit.SECONDS.toNanos(60), changes, List.of(key),
                () -> decided.contains(key) ? Optional.of(key) : Optional.empty(), MINUTE, MINUTE, looks, timer));
        }
        // the one thread the looks run on is free while they all wait
        assertEquals("free", looks.submit(() -> "free").get(5, TimeUnit.SECONDS));
        assertTrue(answers.stream().noneMatch(CompletableFuture::isDone));

        for (int i = 0; i < 1_000; i++) {
            decided.add("S" + i);
            changes.changed("S" + i);
        }
        for (int i = 0; i < 1_000; i++) {
            assertEquals(Optional.of("S" + i), answers.get(i).get(10, TimeUnit.SECONDS));
        }
        assertFalse(changes.anyWatched(), "every watch is closed");
    }

    @Test
    void aWaitWithoutKeysLooksEveryFiveMillisecondsAndHoldsNoThread() throws Exception {
        LaterWaits waits = new LaterWaits(looks);
        try {
            AtomicInteger reads = new AtomicInteger();
            long started = System.nanoTime();
            CompletableFuture<Optional<String>> never = waits.until(java.time.Duration.ofMillis(500), () -> {
                reads.incrementAndGet();
                return Optional.empty();
            });
            assertEquals("free", looks.submit(() -> "free").get(5, TimeUnit.SECONDS), "the look thread is free meanwhile");
            assertEquals(Optional.empty(), never.get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(500), "waited its bound");
            // every 5 ms: up to 101 in half a second (a keyed wait's 20 ms pauses would make at most 26)
            assertTrue(reads.get() >= 30 && reads.get() <= 101, "looks in half a second: " + reads.get());

            AtomicInteger asked = new AtomicInteger();
            CompletableFuture<Optional<String>> found = waits.until(java.time.Duration.ofSeconds(30),
                () -> asked.incrementAndGet() < 10 ? Optional.empty() : Optional.of("found"));
            assertEquals(Optional.of("found"), found.get(10, TimeUnit.SECONDS));
            assertEquals(10, asked.get(), "no look after the answer");
        } finally {
            waits.close();
        }
    }

    @Test
    void aLookThatFailsFailsTheAnswerWithItsOwnError() {
        AtomicInteger reads = new AtomicInteger();
        IllegalStateException broken = new IllegalStateException("store gone");
        CompletableFuture<Optional<String>> answer = LaterWait.start(TimeUnit.SECONDS.toNanos(30), changes, List.of("S1"), () -> {
            if (reads.incrementAndGet() > 1) {
                throw broken;
            }
            return Optional.empty();
        }, MINUTE, MINUTE, looks, timer);
        changes.changed("S1");

        ExecutionException failed = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        assertSame(broken, failed.getCause());
        assertFalse(changes.anyWatched(), "the watch is closed");
    }

    @Test
    void looksAndWhatTheAnswerRunsHaveTheContextOfTheThreadThatBeganTheWait() throws Exception {
        AtomicReference<String> seenByLook = new AtomicReference<>();
        AtomicReference<String> seenAfter = new AtomicReference<>();
        AtomicBoolean decided = new AtomicBoolean();
        CompletableFuture<String> after;
        try (PropagatedContext.Scope ignored = PropagatedContext.getOrEmpty().plus(new Request("r-1")).propagate()) {
            after = LaterWait.start(TimeUnit.SECONDS.toNanos(30), changes, List.of("S1"), () -> {
                if (!decided.get()) {
                    return Optional.<String>empty();
                }
                seenByLook.set(current());
                return Optional.of("decided");
            }, MINUTE, MINUTE, looks, timer).thenApply(a -> {
                seenAfter.set(current());
                return a.orElseThrow();
            });
        }
        assertNotEquals("r-1", current(), "the test's thread has left the context");
        decided.set(true);
        changes.changed("S1");

        assertEquals("decided", after.get(10, TimeUnit.SECONDS));
        assertEquals("r-1", seenByLook.get());
        assertEquals("r-1", seenAfter.get());
    }

    private static String current() {
        return PropagatedContext.find().flatMap(c -> c.find(Request.class)).map(Request::id).orElse("none");
    }

    private record Request(String id) implements PropagatedContextElement {}
}
