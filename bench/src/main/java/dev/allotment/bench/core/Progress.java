package dev.allotment.bench.core;

import java.util.Locale;

/**
 * Prints, once a second, what a phase has done: the warm-up's completions, then the measured rate and the
 * p50/p99 so far. Each tick also closes a second of the measurement's per-second series.
 */
public final class Progress implements AutoCloseable {
    private final String label;
    private final Measurement measurement;
    private final Thread thread;
    private volatile boolean running = true;

    private Progress(String label, Measurement measurement) {
        this.label = label;
        this.measurement = measurement;
        this.thread = new Thread(this::loop, "bench-progress");
        this.thread.setDaemon(true);
    }

    public static Progress start(String label, Measurement measurement) {
        Progress progress = new Progress(label, measurement);
        progress.thread.start();
        return progress;
    }

    private void loop() {
        long lastWarmup = 0;
        long next = System.nanoTime() + 1_000_000_000L;
        while (running) {
            if (next > measurement.measureStartNanos() && next - 1_000_000_000L < measurement.measureStartNanos()) {
                next = measurement.measureStartNanos() + 1_000_000_000L;  // seconds of the series start at the window
            }
            if (!sleepUntil(next)) {
                break;
            }
            next += 1_000_000_000L;
            if (next - 1_000_000_000L <= measurement.measureStartNanos()) {
                long warm = measurement.warmupCompleted();
                System.out.printf(Locale.ROOT, "  %s  warm-up   %,9d/s%n", label, warm - lastWarmup);
                lastWarmup = warm;
                continue;
            }
            long count = measurement.tick();
            Latency so = measurement.latency();
            System.out.printf(Locale.ROOT, "  %s  %3ds  %,9d/s   p50 %8.2f ms   p99 %8.2f ms (so far)%n",
                label, measurement.perSecond().size(), count, so.p50(), so.p99());
        }
    }

    private boolean sleepUntil(long nanos) {
        long wait;
        while (running && (wait = nanos - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        }
        return running;
    }

    /** Stops printing and folds whatever was recorded since the last full second into the totals. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        measurement.flush();
    }
}
