package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedReadsTest {
    /** Reads that the test completes by hand, in the order started. */
    private final List<CompletableFuture<String>> started = new ArrayList<>();
    /** The test's clock: each reading a nanosecond after the last. */
    private final AtomicLong now = new AtomicLong();
    private final SharedReads<String> reads = new SharedReads<>(() -> {
        CompletableFuture<String> read = new CompletableFuture<>();
        started.add(read);
        return read;
    }, now::incrementAndGet);

    private long arrives() {
        return now.incrementAndGet();
    }

    @Test
    void waitsThatArriveWhileAReadIsInFlightShareTheNextReadWhichStartsWhenThatOneEnds() throws Exception {
        CompletableFuture<String> first = reads.startedAfter(arrives());
        assertEquals(1, started.size());

        long arrived = arrives();   // after the first read started: it may have missed what this wait looks for
        CompletableFuture<String> second = reads.startedAfter(arrived);
        CompletableFuture<String> third = reads.startedAfter(arrives());
        assertSame(second, third, "one read for every wait that arrived meanwhile");
        assertEquals(1, started.size(), "not started while the first is in flight");

        started.get(0).complete("ends at 10");
        assertEquals("ends at 10", first.get());
        assertFalse(second.isDone(), "the first read started before the second wait arrived");
        assertEquals(2, started.size(), "the next read started when the first ended");
        started.get(1).complete("ends at 12");
        assertEquals("ends at 12", second.get());
        assertEquals("ends at 12", third.get());
    }

    @Test
    void aReadThatStartedAfterAWaitArrivedServesItInFlightOrDone() throws Exception {
        long arrived = arrives();
        CompletableFuture<String> first = reads.startedAfter(arrived);
        assertSame(first, reads.startedAfter(arrived), "in flight, started after it arrived");
        started.get(0).complete("ends at 3");
        assertSame(first, reads.startedAfter(arrived), "done, started after it arrived");
        assertEquals(1, started.size());

        CompletableFuture<String> later = reads.startedAfter(arrives());
        assertEquals(2, started.size(), "a wait that arrived after the done read started gets a read of its own");
        assertFalse(later.isDone());
    }

    @Test
    void aFailedReadFailsTheWaitsThatShareItAndTheNextWaitReadsAgain() {
        CompletableFuture<String> first = reads.startedAfter(arrives());
        CompletableFuture<String> second = reads.startedAfter(arrives());
        started.get(0).completeExceptionally(new IllegalStateException("broker gone"));
        assertThrows(ExecutionException.class, first::get);
        started.get(1).completeExceptionally(new IllegalStateException("still gone"));
        ExecutionException failed = assertThrows(ExecutionException.class, second::get);
        assertTrue(failed.getCause().getMessage().contains("still gone"), failed.getCause().getMessage());

        reads.startedAfter(arrives());
        assertEquals(3, started.size(), "a new wait reads again");
    }

    @Test
    void aReadThatThrowsAtOnceIsAFailedRead() {
        SharedReads<String> throwing = new SharedReads<>(() -> {
            throw new IllegalStateException("no admin client");
        }, now::incrementAndGet);
        CompletableFuture<String> read = throwing.startedAfter(arrives());
        assertTrue(read.isCompletedExceptionally());
    }
}
