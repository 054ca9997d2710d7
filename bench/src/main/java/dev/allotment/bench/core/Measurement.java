package dev.allotment.bench.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measured phase: latencies (microseconds, from intended start to completion) of the operations whose intended
 * start falls in [measureStart, measureEnd), the per-second completion counts, and the time the last of them
 * completed. Operations meant to start before the window are warm-up: counted, not recorded.
 * Thread-safe for recording; {@link #tick()} is called by one progress thread.
 */
public final class Measurement {
    private final long scheduledStartNanos;
    private volatile long measureStartNanos;
    private volatile long measureEndNanos;
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final List<Long> perSecond = new ArrayList<>();
    private final AtomicLong warmupCompleted = new AtomicLong();
    private final AtomicLong measuredCompleted = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean endedByLimit;
    private Histogram interval;

    public Measurement(long measureStartNanos, long measureEndNanos) {
        this.scheduledStartNanos = measureStartNanos;
        this.measureStartNanos = measureStartNanos;
        this.measureEndNanos = measureEndNanos;
    }

    /**
     * Moves the window, its length kept, to start at {@code startNanos}: for a phase whose warm-up ran past its time
     * (its operations all completed only then). Call before any operation of the window is recorded.
     */
    public void moveWindowTo(long startNanos) {
        long length = measureEndNanos - measureStartNanos;
        measureEndNanos = startNanos + length;
        measureStartNanos = startNanos;
    }

    /** How much later than scheduled the window started (its warm-up's backlog draining); 0 when it started on time. */
    public long warmupOverrunNanos() {
        return Math.max(0, measureStartNanos - scheduledStartNanos);
    }

    /** Records one completed operation. */
    public void record(long intendedStartNanos, long completedNanos) {
        if (intendedStartNanos < measureStartNanos) {
            warmupCompleted.incrementAndGet();
            return;
        }
        if (intendedStartNanos >= measureEndNanos) {
            return;
        }
        recorder.recordValue(Math.max(0, (completedNanos - intendedStartNanos) / 1000));
        measuredCompleted.incrementAndGet();
        lastCompletionNanos.accumulateAndGet(completedNanos, Math::max);
    }

    /** Folds what was recorded since the last tick into the totals; returns the count of that interval. */
    public synchronized long tick() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        long count = interval.getTotalCount();
        perSecond.add(count);
        return count;
    }

    /**
     * Folds the remainder (less than a second) into the totals at the end of a phase. It becomes a point of the
     * per-second series only when there is no full second, so a partial second does not show as a collapse.
     */
    public synchronized void flush() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        if (perSecond.isEmpty() && interval.getTotalCount() > 0) {
            perSecond.add(interval.getTotalCount());
        }
    }

    public long measureStartNanos() {
        return measureStartNanos;
    }

    public long measureEndNanos() {
        return measureEndNanos;
    }

    public long measuredCompleted() {
        return measuredCompleted.get();
    }

    public long warmupCompleted() {
        return warmupCompleted.get();
    }

    /** A copy of the latencies recorded up to the last tick. */
    public synchronized Histogram histogram() {
        return total.copy();
    }

    public synchronized List<Long> perSecond() {
        return List.copyOf(perSecond);
    }

    /** The window closed early because its operation count was reached: the rate runs to the last completion. */
    public void endedByLimit() {
        endedByLimit = true;
    }

    /**
     * Completions per second over the window, measured to the last completion when the system fell behind (so a
     * backlog drained after the window lowers the figure rather than hiding it).
     */
    public double achievedRate() {
        long last = lastCompletionNanos.get();
        if (last == Long.MIN_VALUE) {
            return 0;
        }
        long toLast = last - measureStartNanos;
        long elapsed = endedByLimit ? toLast : Math.max(measureEndNanos - measureStartNanos, toLast);
        return measuredCompleted.get() * 1e9 / elapsed;
    }

    /** Percentiles in milliseconds of what was recorded up to the last tick. */
    public synchronized Latency latency() {
        return Latency.of(total);
    }
}
