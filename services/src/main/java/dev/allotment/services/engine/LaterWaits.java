package dev.allotment.services.engine;

import dev.allotment.streams.state.StoreChanges;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The edge's waits for what the engine decides, as futures: a look at each readable change of the keys (where reads are
 * committed, when the thread that made the change commits: {@link CommitSignal}), and without a signal after a pause,
 * with no thread held between the looks ({@link LaterWait}). The looks run on the blocking executor (a look may read
 * through another instance); the pauses end on one timer thread, which only hands each on.
 *
 * <p>Where this instance's processors change the keys' stores, their changes are signalled, and the looks without a
 * signal are only for a commit the signal missed: they come after 20 ms, then 40, 80, and every 100 ms. A wait that
 * read every 20 ms regardless made 50 reads a second; 256 answers waiting at once on a cold engine read its stores
 * thousands of times a second and starved the stream thread whose commit they waited for (RESULTS.md, "Many waiting
 * answers"). Keys another instance changes (read through it) are looked at every 20 ms.
 */
@Singleton
public class LaterWaits {
    /** How long a keyed wait pauses without a signal at first, and always where no signal will come. */
    static final long UNSIGNALLED_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long a wait for keys changed here pauses without a signal at most: the pause doubles after each such pause. */
    static final long UNSIGNALLED_MAX_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Where a wait that watches no key registers its (empty) watch. */
    private static final StoreChanges UNWATCHED = new StoreChanges();
    private final Executor looks;
    private final ScheduledThreadPoolExecutor timer;

    public LaterWaits(@Named(TaskExecutors.BLOCKING) Executor looks) {
        this.looks = looks;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "allotment-wait-timer");
            t.setDaemon(true);
            return t;
        });
        this.timer.setRemoveOnCancelPolicy(true);   // most pauses end early, at a signal: nothing left queued
    }

    /**
     * Completes with {@code probe}'s first answer, or with its last (empty) once {@code bound} has passed; fails as the
     * probe fails. {@code changedHere}: this instance's processors change the keys' stores, so their changes are signalled.
     */
    public <T> CompletableFuture<Optional<T>> until(Duration bound, StoreChanges changes, Collection<String> keys,
                                                    boolean changedHere, Supplier<Optional<T>> probe) {
        return LaterWait.start(bound.toNanos(), changes, keys, probe, UNSIGNALLED_NS,
            changedHere ? UNSIGNALLED_MAX_NS : UNSIGNALLED_NS, looks, timer);
    }

    /**
     * Completes with {@code probe}'s first answer, or with its last (empty) once {@code bound} has passed, asking every
     * 5 ms as {@link Polling#until(Duration, Supplier)} does: for what no key's change signals.
     */
    public <T> CompletableFuture<Optional<T>> until(Duration bound, Supplier<Optional<T>> probe) {
        return LaterWait.start(bound.toNanos(), UNWATCHED, List.of(), probe, Polling.PAUSE_NS, Polling.PAUSE_NS, looks, timer);
    }

    /** Pauses still running end as they would (their look then finds the timer gone and ends the wait unanswered). */
    @PreDestroy
    void close() {
        timer.shutdown();
    }
}
