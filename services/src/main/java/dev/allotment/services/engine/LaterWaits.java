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
import java.util.function.Supplier;

/**
 * {@link Polling#until(Duration, StoreChanges, Collection, boolean, Supplier)} as a future: the same looks (at each
 * readable change of the keys, and without a signal after 20 ms, then 40, 80 and every 100 ms where the keys change
 * here), with no thread held between them ({@link LaterWait}). The looks run on the blocking executor (a look may read
 * through another instance); the pauses end on one timer thread, which only hands each on.
 */
@Singleton
public class LaterWaits {
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
        return LaterWait.start(bound.toNanos(), changes, keys, probe, Polling.UNSIGNALLED_NS,
            changedHere ? Polling.UNSIGNALLED_MAX_NS : Polling.UNSIGNALLED_NS, looks, timer);
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
