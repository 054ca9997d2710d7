package dev.allotment.bench.core;

/**
 * The fixed-rate schedule: operation {@code n} is meant to start at {@code start + n / rate}. Latency is measured
 * from that intended start, not from when a late client got round to it, so a stall shows up in every operation it
 * delayed (the coordinated-omission correction). A rate of 0 means closed loop: each operation's intended start is
 * the moment it starts.
 */
public final class Pacer {
    private final long startNanos;
    private final double intervalNanos;

    public Pacer(long startNanos, double ratePerSecond) {
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0 (0 = unthrottled), was " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.intervalNanos = ratePerSecond == 0 ? 0 : 1e9 / ratePerSecond;
    }

    public boolean throttled() {
        return intervalNanos > 0;
    }

    /** When operation {@code sequence} (0-based) should start, or {@code nowNanos} when unthrottled. */
    public long intendedStart(long sequence, long nowNanos) {
        return throttled() ? startNanos + (long) (sequence * intervalNanos) : nowNanos;
    }

    /**
     * Parks the calling thread until {@code intendedNanos}, in one park (again only after a wake-up before it); returns
     * at once when that moment has passed. It parked a millisecond at a time until December 2026: 256 edge clients
     * waiting for their turns made about 50,000 context switches a second and took half the machine in the kernel,
     * from the engine whose answers they timed (docs/benchmarks/RESULTS.md, "Answers that wait without a thread").
     */
    public static void awaitUntil(long intendedNanos, Clock clock) {
        long wait;
        while ((wait = intendedNanos - clock.nanoTime()) > 0) {
            clock.park(wait);
        }
    }

    /** Time source; tests substitute a simulated one. */
    public interface Clock {
        long nanoTime();

        void park(long nanos);

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void park(long nanos) {
                java.util.concurrent.locks.LockSupport.parkNanos(nanos);
            }
        };
    }
}
