package dev.allotment.bench.engine;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Orders in flight, each waiting for decisions on the decision log that cover all its units (allocated somewhere or
 * backordered). An order completes once: at the decision that covers its last unit, which is the moment "order placed
 * → allocation decision" ends. Decisions for no open order, and units beyond what an order asked for, are counted as
 * stray: the engine decided something nobody ordered (or decided a unit twice).
 *
 * <p>{@link #expect} may be called from any thread, always before the order is published; {@link #decided} is called
 * by one thread (the decision watcher).
 */
public final class OrderCompletions {
    /** What to do when an order completes: {@code lines} of it, meant to be sent at {@code intendedNanos}, decided by {@code seenNanos}. */
    public interface Completed {
        void completed(long intendedNanos, int lines, long seenNanos);
    }

    private static final class Open {
        final long intendedNanos;
        final int lines;
        final Completed then;
        int remaining;

        Open(long intendedNanos, int lines, int units, Completed then) {
            this.intendedNanos = intendedNanos;
            this.lines = lines;
            this.remaining = units;
            this.then = then;
        }
    }

    private final ConcurrentHashMap<String, Open> open = new ConcurrentHashMap<>();
    private final AtomicLong expected = new AtomicLong();
    private final AtomicLong expectedUnits = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong strayUnits = new AtomicLong();

    /** Registers an order about to be published: {@code lines} lines of {@code units} units in all. */
    public void expect(String orderId, long intendedNanos, int lines, int units, Completed then) {
        if (units <= 0 || lines <= 0) {
            throw new IllegalArgumentException("an order has at least one line and one unit: " + orderId);
        }
        if (open.putIfAbsent(orderId, new Open(intendedNanos, lines, units, then)) != null) {
            throw new IllegalStateException("order " + orderId + " is already in flight");
        }
        expected.incrementAndGet();
        expectedUnits.addAndGet(units);
    }

    /** One decision about {@code units} units of {@code orderId}, seen on the decision log at {@code seenNanos}. */
    public void decided(String orderId, int units, long seenNanos) {
        Open o = open.get(orderId);
        if (o == null) {
            strayUnits.addAndGet(units);
            return;
        }
        o.remaining -= units;
        if (o.remaining > 0) {
            return;
        }
        if (o.remaining < 0) {
            strayUnits.addAndGet(-o.remaining);
        }
        open.remove(orderId);
        completed.incrementAndGet();
        o.then.completed(o.intendedNanos, o.lines, seenNanos);
    }

    /** Orders registered and not yet covered by decisions. */
    public int open() {
        return open.size();
    }

    public long expected() {
        return expected.get();
    }

    public long expectedUnits() {
        return expectedUnits.get();
    }

    public long completed() {
        return completed.get();
    }

    /** Units decided for no open order, or beyond what their order asked for: 0 unless the engine misbehaves. */
    public long strayUnits() {
        return strayUnits.get();
    }

    /** What is checked while waiting (the watcher and the engine are still alive); throws to give up. */
    public interface Check {
        void check() throws Exception;
    }

    /**
     * Waits until every registered order has completed. Gives up when no order completed for {@code stall}, so a long
     * backlog may drain as long as it keeps moving, but a lost order fails the run instead of hanging it.
     */
    public void awaitAllCompleted(String phase, Duration stall, Check check) throws Exception {
        long lastCompleted = completed();
        long lastProgress = System.nanoTime();
        while (open() > 0) {
            check.check();
            long now = System.nanoTime();
            long done = completed();
            if (done != lastCompleted) {
                lastCompleted = done;
                lastProgress = now;
            } else if (now - lastProgress > stall.toNanos()) {
                throw new IllegalStateException(phase + ": " + open() + " of " + expected() + " orders still wait for "
                    + "decisions covering their units; none completed for " + stall.toSeconds() + " s");
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }
}
