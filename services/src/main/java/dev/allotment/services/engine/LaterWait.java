package dev.allotment.services.engine;

import dev.allotment.streams.state.StoreChanges;
import io.micronaut.core.propagation.PropagatedContext;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One wait of {@link LaterWaits#until} that holds no thread between its looks: a look (the probe) runs when a watched key's
 * change is readable (the watch's callback, on the thread that reports it, only hands the news on) or when its pause
 * without a signal ends (a timer), each on {@code executor}, one look at a time. Where a wait that parked its thread
 * held a thread for every waiting answer, this holds none: 256 answers waiting for their commit were 256 threads woken
 * and scheduled by the kernel (RESULTS.md, "Where the engine's CPU went, by thread").
 *
 * <p>The looks run with the context of the thread that began the wait (an HTTP request's, so that a read through
 * another instance still marks the request it serves), and so does whatever the answer's future runs when it completes.
 */
final class LaterWait<T> {
    private final CompletableFuture<Optional<T>> answer = new CompletableFuture<>();
    /** Signals not yet looked at: a look runs while this is above zero (one drains them all, as they come). */
    private final AtomicInteger signals = new AtomicInteger();
    private final Supplier<Optional<T>> probe;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final PropagatedContext context;
    private final long deadline;
    private final long maxNs;
    private final StoreChanges.Watch watch;
    /** The next pause's length without a signal; doubles after each pause that no signal ended, up to {@code maxNs}. */
    private volatile long unsignalled;
    /** The look at the end of the current pause (touched by the look that runs, one at a time). */
    private volatile ScheduledFuture<?> pause;

    private LaterWait(long boundNs, StoreChanges changes, Collection<String> keys, Supplier<Optional<T>> probe, long firstNs,
                      long maxNs, Executor executor, ScheduledExecutorService timer) {
        this.deadline = System.nanoTime() + boundNs;
        this.probe = probe;
        this.executor = executor;
        this.timer = timer;
        this.context = PropagatedContext.getOrEmpty();
        this.unsignalled = firstNs;
        this.maxNs = maxNs;
        this.watch = changes.watch(keys, this::signal);
    }

    /** Begins the wait: its first look runs on the calling thread. */
    static <T> CompletableFuture<Optional<T>> start(long boundNs, StoreChanges changes, Collection<String> keys,
                                                    Supplier<Optional<T>> probe, long firstNs, long maxNs,
                                                    Executor executor, ScheduledExecutorService timer) {
        LaterWait<T> wait = new LaterWait<>(boundNs, changes, keys, probe, firstNs, maxNs, executor, timer);
        wait.signals.incrementAndGet();
        wait.drain();
        return wait.answer;
    }

    private void signal() {
        if (signals.getAndIncrement() == 0) {
            try {
                executor.execute(this::drainInContext);
            } catch (RejectedExecutionException e) {   // shutting down: no look will come, the wait ends unanswered
                finish(Optional.empty());
            }
        }
    }

    private void drainInContext() {
        try (PropagatedContext.Scope ignored = context.propagate()) {
            drain();
        }
    }

    /** Looks until a look covers every signal so far (a signal during a look asks for another) or the wait ends. */
    private void drain() {
        int seen = signals.get();
        while (!look()) {
            seen = signals.addAndGet(-seen);
            if (seen == 0) {
                return;
            }
        }
    }

    /** One look; whether the wait has ended (answered, past its bound, or failed). */
    private boolean look() {
        if (answer.isDone()) {
            return true;
        }
        watch.reset();
        Optional<T> found;
        try {
            found = probe.get();
        } catch (RuntimeException | Error e) {
            close();
            answer.completeExceptionally(e);
            return true;
        }
        long left = deadline - System.nanoTime();
        if (found.isPresent() || left <= 0) {
            finish(found);
            return true;
        }
        if (watch.changed()) {
            return false;   // changed during the look: its signal asks for the next look at once
        }
        if (pause != null) {
            pause.cancel(false);
        }
        try {
            pause = timer.schedule(this::pauseEnded, Math.min(left, unsignalled), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            finish(found);
            return true;
        }
        return false;
    }

    private void pauseEnded() {
        if (!watch.changed()) {
            unsignalled = Math.min(unsignalled * 2, maxNs);
        }
        signal();
    }

    private void finish(Optional<T> found) {
        close();
        answer.complete(found);
    }

    private void close() {
        watch.close();
        ScheduledFuture<?> next = pause;
        if (next != null) {
            next.cancel(false);
        }
    }
}
