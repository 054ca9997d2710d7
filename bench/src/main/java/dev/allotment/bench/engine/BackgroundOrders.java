package dev.allotment.bench.engine;

import dev.allotment.events.OrderLine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Orders a platform places while an {@code edge} run measures (its {@code --background-orders} rate): one line each,
 * on the run's channel and SKUs, so that the order tasks write their lines to the SKUs' partitions inside the engine's
 * transactions while the edge's commands go to the same partitions, as they do in production. Without them the
 * commands run on an engine with nothing else to do. Published from one daemon thread in steps of 10 ms, each step
 * catching up with the schedule; {@link #close} stops it and says how many went out.
 */
final class BackgroundOrders implements AutoCloseable {
    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private final Platform platform;
    private final String prefix;
    private final String channel;
    private final double perSecond;
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean open = true;
    private volatile Exception failure;
    private long startedAt;
    private long stoppedAt;

    /** Starts placing {@code perSecond} orders a second, ids {@code prefix}0, {@code prefix}1, … (0: none). */
    static BackgroundOrders start(Platform platform, String prefix, String channel, double perSecond) {
        BackgroundOrders background = new BackgroundOrders(platform, prefix, channel, perSecond);
        if (perSecond > 0) {
            background.thread.start();
        }
        return background;
    }

    private BackgroundOrders(Platform platform, String prefix, String channel, double perSecond) {
        this.platform = platform;
        this.prefix = prefix;
        this.channel = channel;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "bench-background-orders");
        this.thread.setDaemon(true);
    }

    /** How many orders are due {@code elapsedNanos} after the start at {@code perSecond}. */
    static long due(double perSecond, long elapsedNanos) {
        return (long) Math.floor(perSecond * elapsedNanos / 1e9);
    }

    private void run() {
        startedAt = System.nanoTime();
        try {
            while (open) {
                long due = due(perSecond, System.nanoTime() - startedAt);
                for (long n = sent.get(); n < due && open; n = sent.incrementAndGet()) {
                    String orderId = prefix + n;
                    platform.place(EdgeScenario.eventId(orderId), orderId, channel,
                        List.of(new OrderLine(EdgeScenario.LINE, EdgeScenario.sku((int) (n % EdgeScenario.SKUS)), 1)));
                }
                LockSupport.parkNanos(STEP_NANOS);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Stops; the facts of the run: orders placed and their rate ({@code background_orders}, {@code _per_s}). */
    Map<String, Object> stop() throws Exception {
        open = false;
        if (perSecond <= 0) {
            return Map.of();
        }
        thread.join(5_000);
        stoppedAt = System.nanoTime();
        platform.flushOrders();
        if (failure != null) {
            throw new IllegalStateException("the background orders stopped: " + failure.getMessage(), failure);
        }
        double seconds = (stoppedAt - startedAt) / 1e9;
        return Map.of("background_orders", sent.get(),
            "background_orders_per_s", seconds <= 0 ? 0 : Math.round(sent.get() / seconds * 10) / 10.0);
    }

    @Override
    public void close() {
        open = false;
    }
}
