package dev.allotment.bench.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives {@code clients} threads, each with its own connection, through one phase: warm-up, then a measured window
 * (ended by time, or sooner after {@code measuredLimit} operations). Throttled, the clients share one schedule and
 * each operation's latency runs from its intended start (so a slow operation delays, and is charged to, those
 * queued behind it); unthrottled, each client runs back to back.
 *
 * <p>The measured window starts when the warm-up's last operation has completed, on a schedule of its own. A cold
 * system may not carry the rate during its warm-up (its JIT compiling the path, on cores it shares with the load);
 * were the window to start on the warm-up's clock, the warm-up's backlog would be charged to the window's first
 * operations, and its p99 would describe the warm-up. How long the warm-up ran past its time is reported instead
 * ({@link Measurement#warmupOverrunNanos()}).
 */
public final class Load {
    /** One operation; {@code index} counts warm-up and measured operations separately from 0. */
    public interface Operation {
        void run(int client, boolean warmup, long index) throws Exception;
    }

    private Load() {}

    public record Outcome(Measurement measurement, long errors, Exception firstError) {}

    public static Outcome run(String label, int clients, double rate, Duration warmup, Duration duration,
                              long measuredLimit, Operation operation) throws InterruptedException {
        long start = System.nanoTime() + 50_000_000L;  // give every client time to reach the first tick
        long warmEnd = start + warmup.toNanos();
        Measurement m = new Measurement(warmEnd, warmEnd + duration.toNanos());
        Pacer warmPacer = new Pacer(start, rate);
        AtomicReference<Pacer> measuredPacer = new AtomicReference<>();
        // the last client to finish its warm-up starts the window, on a schedule of its own
        CyclicBarrier warmedUp = new CyclicBarrier(clients, () -> {
            long windowStart = Math.max(warmEnd, System.nanoTime() + 10_000_000L);
            m.moveWindowTo(windowStart);
            measuredPacer.set(new Pacer(windowStart, rate));
        });
        AtomicLong warmTickets = new AtomicLong();
        AtomicLong tickets = new AtomicLong();
        AtomicLong measuredIndex = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        try (Progress ignored = Progress.start(label, m)) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    Pacer.awaitUntil(start, Pacer.Clock.SYSTEM);
                    while (true) {
                        long index = warmTickets.getAndIncrement();
                        long intended = warmPacer.intendedStart(index, System.nanoTime());
                        if (intended >= warmEnd) {
                            break;
                        }
                        Pacer.awaitUntil(intended, Pacer.Clock.SYSTEM);
                        runOne(operation, client, true, index, intended, m, errors, firstError);
                    }
                    try {
                        warmedUp.await();
                    } catch (InterruptedException | BrokenBarrierException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    Pacer pacer = measuredPacer.get();
                    Pacer.awaitUntil(m.measureStartNanos(), Pacer.Clock.SYSTEM);   // unthrottled, nothing else waits for it
                    while (true) {
                        long intended = pacer.intendedStart(tickets.getAndIncrement(), System.nanoTime());
                        if (intended >= m.measureEndNanos()) {
                            return;
                        }
                        Pacer.awaitUntil(intended, Pacer.Clock.SYSTEM);
                        long index = measuredIndex.getAndIncrement();
                        if (index >= measuredLimit) {
                            m.endedByLimit();
                            return;
                        }
                        runOne(operation, client, false, index, intended, m, errors, firstError);
                    }
                }, "bench-client-" + c);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        return new Outcome(m, errors.get(), firstError.get());
    }

    private static void runOne(Operation operation, int client, boolean warm, long index, long intended, Measurement m,
                               AtomicLong errors, AtomicReference<Exception> firstError) {
        try {
            operation.run(client, warm, index);
            m.record(intended, System.nanoTime());
        } catch (Exception e) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e);
        }
    }
}
