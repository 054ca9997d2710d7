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

    /** How long a keyed wait sleeps without a signal at first, and always where no signal will come. */
    static final long UNSIGNALLED_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
    /** How long a wait for keys changed here sleeps without a signal at most: the pause doubles after each such sleep. */
    static final long UNSIGNALLED_MAX_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Asks {@code probe} until it answers something or {@code bound} has passed, asking again as soon as a change by
     * the processors to the stores of one of {@code keys} (a SKU, an order id) is readable (where reads are committed,
     * when the thread that made it commits: {@link CommitSignal}), and without a signal every 20 ms.
     *
     * <p>{@code changedHere}: this instance's processors change the keys' stores, so their changes are signalled, and the
     * reads without a signal are only for a commit the signal missed: they come after 20 ms, then 40, 80, and every
     * 100 ms. A wait that read every 20 ms regardless made 50 reads a second; 256 answers waiting at once on a cold
     * engine read its stores thousands of times a second and starved the stream thread whose commit they waited for
     * (RESULTS.md, "Many waiting answers"). Keys another instance changes (read through it) are read every 20 ms.
     */
    public static <T> Optional<T> until(Duration bound, StoreChanges changes, Collection<String> keys, boolean changedHere,
                                        Supplier<Optional<T>> probe) {
        return until(bound, changes, keys, probe, UNSIGNALLED_NS, changedHere ? UNSIGNALLED_MAX_NS : UNSIGNALLED_NS);
    }

    /** {@link #until(Duration, StoreChanges, Collection, boolean, Supplier)}, pausing {@code firstNs}, then up to {@code maxNs}. */
    static <T> Optional<T> until(Duration bound, StoreChanges changes, Collection<String> keys, Supplier<Optional<T>> probe,
                                 long firstNs, long maxNs) {
        long deadline = System.nanoTime() + bound.toNanos();
        long unsignalled = firstNs;
        try (StoreChanges.Watch watch = changes.watch(keys)) {
            while (true) {
                watch.reset();
                Optional<T> answer = probe.get();
                long left = deadline - System.nanoTime();
                if (answer.isPresent() || left <= 0 || Thread.currentThread().isInterrupted()) {
                    return answer;
                }
                watch.await(Math.min(left, unsignalled));
                if (!watch.changed()) {
                    unsignalled = Math.min(unsignalled * 2, maxNs);
                }
            }
        }
    }

    /** {@link #until(Duration, StoreChanges, Collection, boolean, Supplier)} for a condition; whether it holds. */
    public static boolean until(Duration bound, StoreChanges changes, Collection<String> keys, boolean changedHere,
                                java.util.function.BooleanSupplier done) {
        return until(bound, changes, keys, changedHere, probe(done)).isPresent();
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
