package dev.allotment.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An answer that goes on when what it waits for completes: a wait that leads to another gives the second's answer,
 * and a failure at any step reaches the error handlers as itself, never wrapped in a {@link CompletionException}.
 */
class OffTheLoopTest {
    @Test
    void aWaitThatLeadsToAnotherAnswersWithTheSecondOnlyWhenItCompletes() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<Integer> second = new CompletableFuture<>();
        CompletableFuture<Integer> answer = OffTheLoop.thenWait(first, found -> {
            assertEquals("request", found);
            return second;
        });
        first.complete("request");
        assertFalse(answer.isDone(), "the second wait has not ended");
        second.complete(201);
        assertEquals(201, answer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aFailureAtAnyStepIsTheAnswersFailureUnwrapped() {
        IllegalStateException broken = new IllegalStateException("store gone");

        CompletableFuture<String> wrapped = new CompletableFuture<>();
        wrapped.completeExceptionally(new CompletionException(broken));
        assertSame(broken, failureOf(OffTheLoop.thenWait(wrapped, found -> CompletableFuture.completedFuture(1))));
        assertSame(broken, failureOf(OffTheLoop.then(wrapped, found -> 1)));

        assertSame(broken, failureOf(OffTheLoop.thenWait(CompletableFuture.completedFuture("request"), found -> {
            throw broken;
        })));

        CompletableFuture<Integer> secondFails = CompletableFuture.<Integer>supplyAsync(() -> {
            throw broken;
        });
        assertSame(broken, failureOf(OffTheLoop.thenWait(CompletableFuture.completedFuture("request"), found -> secondFails)));

        assertSame(broken, failureOf(OffTheLoop.run(Runnable::run, () -> {
            throw new CompletionException(broken);
        })));
    }

    private static Throwable failureOf(CompletableFuture<?> answer) {
        return assertThrows(ExecutionException.class, () -> answer.get(5, TimeUnit.SECONDS)).getCause();
    }
}
