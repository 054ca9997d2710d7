package dev.allotment.services.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waits, a bounded time, for the engine to show an outcome in a store (every wait of the edge goes through here). */
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

    /** Waits until {@code done} holds or {@code bound} has passed; whether it holds. */
    public static boolean until(Duration bound, java.util.function.BooleanSupplier done) {
        return until(bound, () -> done.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.<Boolean>empty()).isPresent();
    }
}
