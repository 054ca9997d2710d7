package dev.allotment.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.bench.core.Measurement;
import dev.allotment.bench.core.Progress;
import dev.allotment.bench.core.RunResult;
import dev.allotment.events.OrderLine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Loads an engine with {@code n} orders the way a platform publishes them (Avro over Kafka, {@link Platform}), as fast
 * as the engine takes them, and waits until it has folded them all. Four warehouses, each SKU stocked plentifully at
 * one of them ({@link OrderMix}); the orders are published with at most {@link #WINDOW_UNITS} units not yet decided,
 * so the engine always has work queued but the backlog stays bounded.
 *
 * <p>Done means: the decision log (read_committed) covers every unit, then the last order decided on each partition
 * answers {@code GET /orders/{id}} with every line allocated. The fold reads the decision log in offset order, so
 * that order folded means every earlier decision of its partition is folded too (one hop behind the decisions).
 *
 * <p>The result is a run in its own right: lines decided per second at full load (its latency is each line's time
 * from the order's send to its decision on the log, under full load, not a fixed-rate latency).
 */
public final class OrderLoader {
    /** Units published but not yet decided, at most. */
    static final long WINDOW_UNITS = 40_000;
    /** Stock per SKU at its warehouse: more than any load takes. */
    static final int PHYSICAL = 1_000_000_000;
    /** Fail when the engine decides nothing new for this long. */
    static final Duration STALL = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was loaded: the run, and the orders a sample must include (the last decided and placed of each partition). */
    public record Loaded(RunResult run, long orders, long lines, long units, int partitions,
                         List<String> lastDecided, List<String> lastPlaced) {}

    private OrderLoader() {}

    public static Loaded load(EngineStack stack, Platform platform, OrderMix mix, long orders) throws Exception {
        if (orders < 1 || orders > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("orders to load must be 1…" + Integer.MAX_VALUE + ", was " + orders);
        }
        String label = String.format(Locale.ROOT, "load %,d orders", orders);
        System.out.printf(Locale.ROOT, "%s: %d warehouses, %,d SKUs stocked…%n", label, OrderMix.WAREHOUSES, mix.skus());
        platform.warehouses(OrderMix.WAREHOUSES);
        platform.stock(mix.skus(), OrderMix::warehouse, PHYSICAL);
        awaitStock(stack, mix.skus(), platform.stockPartitions());

        int partitions = platform.orderPartitions();
        AtomicLongArray sentAt = new AtomicLongArray((int) orders);
        AtomicReferenceArray<String> lastDecided = new AtomicReferenceArray<>(partitions);
        String[] lastPlaced = new String[partitions];
        long start = System.nanoTime();
        Measurement m = new Measurement(start, Long.MAX_VALUE);
        long lines = 0;
        long units = 0;
        double foldedSeconds;
        try (Decisions decisions = new Decisions(stack, (orderId, lineId, sku, location, n, allocated, seen) -> {
            long i = OrderMix.indexOf(orderId);
            if (i >= 0 && i < orders) {
                m.record(sentAt.get((int) i), seen);
                lastDecided.set(OrderMix.partition(orderId, partitions), orderId);
            }
        })) {
            LongSupplier decided = () -> decisions.allocatedUnits() + decisions.backorderedUnits();
            try (Progress ignored = Progress.start("load", m)) {
                Deque<Future<RecordMetadata>> unacknowledged = new ArrayDeque<>();
                Stall stall = new Stall(decided);
                for (long i = 0; i < orders; i++) {
                    List<OrderLine> orderLines = mix.lines(i);
                    int orderUnits = orderLines.stream().mapToInt(OrderLine::getQuantity).sum();
                    while (units - decided.getAsLong() > WINDOW_UNITS) {
                        decisions.check();
                        acknowledged(unacknowledged, false);
                        stall.check(stack);
                        LockSupport.parkNanos(200_000);
                    }
                    String id = OrderMix.orderId(i);
                    sentAt.set((int) i, System.nanoTime());
                    unacknowledged.add(platform.place(id, orderLines));
                    lastPlaced[OrderMix.partition(id, partitions)] = id;
                    lines += orderLines.size();
                    units += orderUnits;
                    if ((i & 1023) == 0) {
                        acknowledged(unacknowledged, false);
                    }
                }
                platform.flushOrders();
                acknowledged(unacknowledged, true);
                long all = units;
                while (decided.getAsLong() < all) {
                    decisions.check();
                    stall.check(stack);
                    LockSupport.parkNanos(10_000_000);
                }
                m.endedByLimit();
            }
            if (decisions.backorderedUnits() > 0) {
                throw new IllegalStateException(decisions.backorderedUnits() + " units were backordered: the load expects "
                    + "plentiful stock (engine log: " + stack.engineLog() + ")");
            }
            if (decided.getAsLong() != units) {
                throw new IllegalStateException("the decision log holds " + decided.getAsLong() + " units for " + units + " placed");
            }
            List<String> sample = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                if (lastDecided.get(p) != null) {
                    sample.add(lastDecided.get(p));
                }
            }
            awaitFolded(stack, sample);
            foldedSeconds = (System.nanoTime() - start) / 1e9;
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("phase", "load");
        RunResult decidedRun = RunResult.of(label, tags, null, m, new LinkedHashMap<>());
        Map<String, Object> extra = decidedRun.extra();
        extra.put("orders", orders);
        extra.put("units", units);
        extra.put("orders_per_s", Math.round(orders / decidedRun.seconds()));
        extra.put("decided_s", round1(decidedRun.seconds()));
        extra.put("folded_s", round1(foldedSeconds));
        extra.put("window_units", WINDOW_UNITS);
        System.out.printf(Locale.ROOT, "%s: %,d lines (%,d units) decided in %.1f s (%,.0f lines/s, %,.0f orders/s); "
                + "all folded into the orders' projections after %.1f s%n", label, lines, units, decidedRun.seconds(),
            decidedRun.achievedRate(), orders / decidedRun.seconds(), foldedSeconds);
        List<String> decidedLast = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            decidedLast.add(lastDecided.get(p));
        }
        return new Loaded(decidedRun, orders, lines, units, partitions, decidedLast,
            Arrays.stream(lastPlaced).filter(s -> s != null).toList());
    }

    /** Waits until the engine knows the stock of the last SKU of each stock partition (each partition applies in order). */
    static void awaitStock(EngineStack stack, int skus, int partitions) throws Exception {
        String[] last = new String[partitions];
        for (int s = 0; s < skus; s++) {
            last[OrderMix.partition(Platform.sku(s), partitions)] = Platform.sku(s);
        }
        for (String sku : last) {
            if (sku != null) {
                Polling.await(Duration.ofSeconds(120), () -> stack.stockKnown(sku));
            }
        }
    }

    /** Waits until each order answers with every line allocated: its decisions are folded into its projection. */
    static void awaitFolded(EngineStack stack, List<String> orderIds) throws Exception {
        AnalystClient client = new AnalystClient(stack);
        for (String id : orderIds) {
            try {
                Polling.await(Duration.ofSeconds(120), () -> {
                    HttpResponse<String> r = client.get("/orders/" + id);
                    return fullyAllocated(r.statusCode(), r.body());
                });
            } catch (IllegalStateException e) {
                throw new IllegalStateException("order " + id + " was not folded with its allocation: "
                    + client.get("/orders/" + id).body(), e);
            }
        }
    }

    /** An answer of {@code GET /orders/{id}} showing every line allocated. */
    static boolean fullyAllocated(int status, String body) throws Exception {
        if (status != 200) {
            return false;
        }
        JsonNode order = JSON.readTree(body);
        return order.path("allocated_completely").asBoolean(false) && order.path("allocations").size() > 0;
    }

    /** Throws an order's send failure, if any; {@code all}: waits for every send, else takes the completed ones. */
    private static void acknowledged(Deque<Future<RecordMetadata>> sends, boolean all) throws Exception {
        while (!sends.isEmpty() && (all || sends.peek().isDone())) {
            sends.poll().get();
        }
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Fails the load when the engine has decided nothing new for {@link #STALL}. */
    private static final class Stall {
        private final LongSupplier decided;
        private long last = -1;
        private long since = System.nanoTime();

        Stall(LongSupplier decided) {
            this.decided = decided;
        }

        void check(EngineStack stack) {
            long now = decided.getAsLong();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > STALL.toNanos()) {
                throw new IllegalStateException("the engine decided nothing for " + STALL.toSeconds() + " s ("
                    + now + " units decided); its log: " + stack.engineLog());
            }
        }
    }
}
