package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A start-up step beside the caller's: run at once on its own thread, its failure rethrown as itself. */
class AlongsideTest {
    @Test
    void theStepRunsWhileTheCallerDoesItsOwn() throws InterruptedException {
        CountDownLatch callerWorking = new CountDownLatch(1);
        CountDownLatch stepRan = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        Alongside step = Alongside.start("start-step", () -> {
            thread.set(Thread.currentThread().getName());
            try {
                // the step waits for the caller's own work: run one after the other, neither would go on
                assertTrue(callerWorking.await(10, TimeUnit.SECONDS), "the caller's step never ran beside this one");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            stepRan.countDown();
        });
        callerWorking.countDown();
        assertTrue(stepRan.await(10, TimeUnit.SECONDS));
        step.join();
        assertEquals("start-step", thread.get());
    }

    @Test
    void aFailedStepIsThrownAsItself() {
        IllegalStateException cause = new IllegalStateException("the schema registry URL does not answer");
        Alongside step = Alongside.start("start-step", () -> {
            throw cause;
        });
        assertSame(cause, assertThrows(IllegalStateException.class, step::join));
    }

    @Test
    void aFailedStepIsAddedToTheCallersFailure() {
        IllegalStateException registry = new IllegalStateException("registry refused");
        Alongside failing = Alongside.start("start-step", () -> {
            throw registry;
        });
        RuntimeException topics = new RuntimeException("topics could not be created");
        failing.joinAfter(topics);
        assertEquals(1, topics.getSuppressed().length);
        assertSame(registry, topics.getSuppressed()[0]);

        RuntimeException alone = new RuntimeException("topics could not be created");
        Alongside.start("start-step", () -> { }).joinAfter(alone);
        assertEquals(0, alone.getSuppressed().length);
    }
}
