package dev.allotment.services.http;

import io.micronaut.core.propagation.PropagatedContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A read that a controller began on the HTTP event loop and that may have to wait (a store moving) or ask another
 * instance: it goes on on {@code executor} with the request's context (so that {@code Freshness} still marks the
 * request it serves), and its failure reaches the error handlers as itself, not wrapped.
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

    static <T> CompletableFuture<T> run(Executor executor, Supplier<T> read) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Supplier<T> inContext = PropagatedContext.wrapCurrent(read);
        executor.execute(() -> {
            try {
                answer.complete(inContext.get());
            } catch (CompletionException e) {
                answer.completeExceptionally(e.getCause() == null ? e : e.getCause());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }
}
