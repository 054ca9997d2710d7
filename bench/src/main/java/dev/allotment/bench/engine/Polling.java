package dev.allotment.bench.engine;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting for a condition with a bound, for set-up steps between measured phases. */
public final class Polling {
    private Polling() {}

    /** Polls every 50 ms until {@code condition} holds; throws when {@code bound} passes first. */
    public static void await(Duration bound, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + bound.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
