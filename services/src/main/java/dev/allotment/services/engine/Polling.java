package dev.allotment.services.engine;

import dev.allotment.streams.state.StoreChanges;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits, a bounded time, for the engine to show an outcome in a store (every wait of the edge goes through here):
 * woken by {@link StoreChanges} where the wait knows the keys it reads, otherwise asking every 5 ms.
 */
public final class Polling {
    private static final long PAUSE_MS = 5;

    private Polling() {}

    /** Asks {@code probe} until it answers something or {@code bound} has passed; the last answer either way. */
    public static <T> Optional<T> until(Duration bound, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Optional<T> answer = probe.get();
            if (answer.isPresent() || System.nanoTime() > deadline) {
                return answer;
            }
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
        }
    }

    /** How long a keyed wait sleeps at most without a signal (a change this instance's processors did not make). */
    private static final long UNSIGNALLED_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Asks {@code probe} until it answers something or {@code bound} has passed, asking again as soon as a change by
     * the processors to the stores of one of {@code keys} (a SKU, an order id) is readable (where reads are committed,
     * when the thread that made it commits: {@link CommitSignal}), and at least every 20 ms.
     */
    public static <T> Optional<T> until(Duration bound, StoreChanges changes, Collection<String> keys,
                                        Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + bound.toNanos();
        try (StoreChanges.Watch watch = changes.watch(keys)) {
            while (true) {
                watch.reset();
                Optional<T> answer = probe.get();
                long left = deadline - System.nanoTime();
                if (answer.isPresent() || left <= 0 || Thread.currentThread().isInterrupted()) {
                    return answer;
                }
                watch.await(Math.min(left, UNSIGNALLED_NS));
            }
        }
    }

    /** {@link #until(Duration, StoreChanges, Collection, Supplier)} for a condition; whether it holds. */
    public static boolean until(Duration bound, StoreChanges changes, Collection<String> keys,
                                java.util.function.BooleanSupplier done) {
        return until(bound, changes, keys, probe(done)).isPresent();
    }

    /** Waits until {@code done} holds or {@code bound} has passed; whether it holds. */
    public static boolean until(Duration bound, java.util.function.BooleanSupplier done) {
        return until(bound, probe(done)).isPresent();
    }

    /** A condition as a probe: present once it holds. */
    private static Supplier<Optional<Boolean>> probe(java.util.function.BooleanSupplier done) {
        return () -> done.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty();
    }
}
