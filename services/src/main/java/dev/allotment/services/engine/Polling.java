package dev.allotment.services.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits on the calling thread, a bounded time, for what no key's change signals (a global store's copy catching up, a
 * location or routing applied), asking every 5 ms. The edge's waits for a command's outcome are {@link LaterWaits}'.
 */
public final class Polling {
    private static final long PAUSE_MS = 5;
    /** {@link #PAUSE_MS} in nanoseconds, for {@link LaterWaits#until(Duration, Supplier)}. */
    static final long PAUSE_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(PAUSE_MS);

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

    /** Waits until {@code done} holds or {@code bound} has passed; whether it holds. */
    public static boolean until(Duration bound, java.util.function.BooleanSupplier done) {
        return until(bound, probe(done)).isPresent();
    }

    /** A condition as a probe: present once it holds. */
    private static Supplier<Optional<Boolean>> probe(java.util.function.BooleanSupplier done) {
        return () -> done.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty();
    }
}
