package dev.allotment.services.http;

import io.micronaut.core.propagation.PropagatedContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An answer that a controller began and that goes on on another thread: a read begun on the HTTP event loop that may
 * have to wait (a store moving) or ask another instance goes on on {@code executor} with the request's context (so that
 * {@code Freshness} still marks the request it serves); a command's answer goes on when its outcomes are decided
 * ({@link #then}). Either way its failure reaches the error handlers as itself, not wrapped.
 */
final class OffTheLoop {
    private OffTheLoop() {}

    /**
     * {@code atOnce}, the answer the event loop could give without waiting (this instance holds the key, queryable now),
     * else {@code read} on {@code executor}: a read that may wait for a moving store or ask another instance.
     */
    static <T> CompletableFuture<T> unlessAnswered(Optional<T> atOnce, Executor executor, Supplier<T> read) {
        return atOnce.isPresent() ? CompletableFuture.completedFuture(atOnce.get()) : run(executor, read);
    }

    /**
     * {@code next} applied to what {@code waited} completes with, on the thread that completes it; a failure of either
     * reaches the error handlers as itself, not wrapped.
     */
    static <T, R> CompletableFuture<R> then(CompletableFuture<T> waited, Function<T, R> next) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        waited.whenComplete((value, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(unwrapped(failure));
                return;
            }
            try {
                answer.complete(next.apply(value));
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** {@link #then} for a next step that waits in turn: the answer is the future {@code next} gives. */
    static <T, R> CompletableFuture<R> thenWait(CompletableFuture<T> waited, Function<T, CompletableFuture<R>> next) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        then(waited, next).whenComplete((nextWait, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
                return;
            }
            nextWait.whenComplete((value, nextFailure) -> {
                if (nextFailure != null) {
                    answer.completeExceptionally(unwrapped(nextFailure));
                } else {
                    answer.complete(value);
                }
            });
        });
        return answer;
    }

    /** The failure itself, not the {@link CompletionException} a stage wrapped it in. */
    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    static <T> CompletableFuture<T> run(Executor executor, Supplier<T> read) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Supplier<T> inContext = PropagatedContext.wrapCurrent(read);
        executor.execute(() -> {
            try {
                answer.complete(inContext.get());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(unwrapped(e));
            }
        });
        return answer;
    }
}
