package dev.allotment.services.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A start-up step run on a thread of its own while the caller does another that it does not depend on (the schema
 * registry's round trips beside the Kafka admin's), and joined before what needs both. Its failure is rethrown as
 * itself, so a start that fails names the cause as it would have run alone.
 */
final class Alongside {
    private final CompletableFuture<Void> done;

    private Alongside(CompletableFuture<Void> done) {
        this.done = done;
    }

    /** Starts {@code step} on a daemon thread named {@code name}. */
    static Alongside start(String name, Runnable step) {
        return new Alongside(CompletableFuture.runAsync(step, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /** Waits for the step; its failure, if any, is thrown as it was thrown. */
    void join() {
        try {
            done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Joins the step after the caller's own step failed with {@code failure}, whose cause stays the start's: the
     * step's failure, if any, is added to it as suppressed.
     */
    void joinAfter(RuntimeException failure) {
        try {
            join();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }
}
