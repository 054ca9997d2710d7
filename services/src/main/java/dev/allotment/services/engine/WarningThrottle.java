package dev.allotment.services.engine;

import java.time.Duration;

/**
 * Lets a warning that requests can raise one after another (a broker out of reach fails every read alike) be logged at
 * most once per interval: the first of an interval is logged, with how many were held back since the last one logged,
 * and the rest of the interval's are counted, not logged. Safe for any thread.
 */
final class WarningThrottle {
    static final Duration EVERY = Duration.ofMinutes(1);
    private final long intervalNanos;
    private boolean logged;
    private long quietUntil;
    private long held;

    WarningThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Whether a warning raised at {@code nowNanos} ({@link System#nanoTime}) is logged: -1 if it is held back, else the
     * number of warnings held back before it (to be said in it).
     */
    synchronized long admit(long nowNanos) {
        if (logged && nowNanos - quietUntil < 0) {
            held++;
            return -1;
        }
        logged = true;
        quietUntil = nowNanos + intervalNanos;
        long before = held;
        held = 0;
        return before;
    }
}
