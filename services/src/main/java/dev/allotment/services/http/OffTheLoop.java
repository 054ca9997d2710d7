package dev.allotment.services.http;

import io.micronaut.core.propagation.PropagatedContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A read that a controller began on the HTTP event loop and that may have to wait (a store moving) or ask another
 * instance: it goes on on {@code executor} with the request's context (so that {@code Freshness} still marks the
 * request it serves), and its failure reaches the error handlers as itself, not wrapped.
 */
final class OffTheLoop {
    private OffTheLoop() {}

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
