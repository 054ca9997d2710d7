package dev.allotment.bench.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives {@code clients} threads, each with its own connection, through one phase: warm-up, then a measured window
 * (ended by time, or sooner after {@code measuredLimit} operations). Throttled, the clients share one schedule and
 * each operation's latency runs from its intended start (so a slow operation delays, and is charged to, those
 * queued behind it); unthrottled, each client runs back to back.
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
        long measureStart = start + warmup.toNanos();
        Measurement m = new Measurement(measureStart, measureStart + duration.toNanos());
        Pacer pacer = new Pacer(start, rate);
        AtomicLong tickets = new AtomicLong();
        AtomicLong warmIndex = new AtomicLong();
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
                        long intended = pacer.intendedStart(tickets.getAndIncrement(), System.nanoTime());
                        if (intended >= m.measureEndNanos()) {
                            return;
                        }
                        Pacer.awaitUntil(intended, Pacer.Clock.SYSTEM);
                        boolean warm = intended < measureStart;
                        long index = warm ? warmIndex.getAndIncrement() : measuredIndex.getAndIncrement();
                        if (!warm && index >= measuredLimit) {
                            m.endedByLimit();
                            return;
                        }
                        try {
                            operation.run(client, warm, index);
                            m.record(intended, System.nanoTime());
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e);
                        }
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
}
