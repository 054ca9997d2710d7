package dev.allotment.services.engine;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One read (of a topic's end offsets) shared by every wait that needs one, so that a burst of waits costs the broker a
 * read or two, not one each. A wait needs a read that started after it arrived: one that started before may have missed
 * the record the wait looks for. So a wait joins the read in flight when that read started after the wait arrived, and
 * otherwise the next read, which starts when the one in flight ends and is shared by every wait that arrives meanwhile.
 * At most one read is in flight.
 */
final class SharedReads<T> {
    private final Supplier<CompletableFuture<T>> read;
    private final LongSupplier clock;
    private CompletableFuture<T> current;
    private long currentStarted;
    private CompletableFuture<T> next;

    SharedReads(Supplier<CompletableFuture<T>> read) {
        this(read, System::nanoTime);
    }

    /** Reads timed by {@code clock}, in nanoseconds. */
    SharedReads(Supplier<CompletableFuture<T>> read, LongSupplier clock) {
        this.read = read;
        this.clock = clock;
    }

    /** A read that started at or after {@code arrivedNanos} (on the clock: {@link System#nanoTime()}), in flight or done. */
    synchronized CompletableFuture<T> startedAfter(long arrivedNanos) {
        if (current != null && currentStarted - arrivedNanos >= 0) {
            return current;
        }
        if (current == null || current.isDone()) {
            return start();
        }
        if (next == null) {
            CompletableFuture<T> shared = new CompletableFuture<>();
            next = shared;
            current.whenComplete((value, failure) -> {
                CompletableFuture<T> started;
                synchronized (this) {
                    next = null;
                    started = start();
                }
                started.whenComplete((v, f) -> {
                    if (f != null) {
                        shared.completeExceptionally(f);
                    } else {
                        shared.complete(v);
                    }
                });
            });
        }
        return next;
    }

    private CompletableFuture<T> start() {
        currentStarted = clock.getAsLong();
        CompletableFuture<T> started;
        try {
            started = read.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        current = started;
        return started;
    }
}
