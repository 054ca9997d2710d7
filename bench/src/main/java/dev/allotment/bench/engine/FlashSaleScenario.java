package dev.allotment.bench.engine;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.Measurement;
import dev.allotment.bench.core.Pacer;
import dev.allotment.bench.core.Progress;
import dev.allotment.bench.core.RunResult;
import dev.allotment.events.OrderLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The flash sale: every order is for one unit of one SKU, with stock for a tenth of them, split over the first
 * {@code --locations} warehouses. The engine re-keys every line to its SKU's partition, so the whole sale goes through
 * one SKU task: single-threaded, lock-free, and that is what is measured. Each order ends in exactly one decision
 * (allocated, or backordered: no stock left); the figure is decisions per second. After each run the proof of zero
 * oversell is checked on the decision log and on the engine's own stock, and any failed check fails the scenario.
 *
 * <p>With {@code --shards N} each sale's SKU is split into N shards ({@code allotment.shards}), so N single writers on
 * their own partitions decide it. An order that reaches a dry shard is backordered there and may be filled later, when
 * the rebalancing moves units to that shard: the run's rate counts each order's first decision, and the sale is over
 * (and proven) once the log has allocated all the stock; how long that took after the last first decision is reported
 * ({@code settle_ms}).
 */
public final class FlashSaleScenario {
    static final int WAREHOUSES = 4;
    static final Duration STALL = Duration.ofSeconds(60);

    private final Options o;
    private final EngineStack stack;
    private final long commitIntervalMs;
    private final OrderCompletions completions = new OrderCompletions();
    private final SaleLedger ledger = new SaleLedger();
    private final List<Platform> platforms = new ArrayList<>();
    private final EngineUsage usage;
    private volatile long lastAllocationSeen;
    private List<String> stockedAt;
    private Decisions decisions;
    private int sale;

    private FlashSaleScenario(Options o, EngineStack stack, long commitIntervalMs) {
        this.o = o;
        this.stack = stack;
        this.commitIntervalMs = commitIntervalMs;
        this.usage = new EngineUsage(stack);
    }

    static long orders(Options o) {
        return o.orders("200000", "5000");
    }

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        o.locations();  // a bad --locations fails before any stack starts
        Map<String, Object> stackFacts = new LinkedHashMap<>();
        List<RunResult> runs = EngineScenarios.onEachStack("flash-sale", o, shardSettings(o), stackFacts,
            (stack, ci) -> new FlashSaleScenario(o, stack, ci).runAll());
        Map<String, Object> p = o.asParameters();
        p.putAll(stackFacts);
        p.put("orders", orders(o));
        p.put("stock", orders(o) / 10);
        p.put("stock_locations", o.locations());
        p.put("clients", o.clients());
        p.put("shards", o.shards());
        return new BenchResult("flash-sale", "decisions", started, p, Machine.describe(), BenchResult.bestRate(runs), runs,
            List.of(
                "Every order is for one unit of the same SKU; the stock is a tenth of the orders, split evenly over the first "
                    + "--locations warehouses. Each order ends in exactly one decision on the decision log: an allocation, or a "
                    + "backorder (the decision that no stock is left). Throughput is decisions per second, from the first "
                    + "order published to the last decision seen by a read_committed consumer of the decision log.",
                "The engine re-keys every order line to its SKU's partition, so the whole sale is decided by one SKU task, "
                    + "one record at a time and without locks. That single writer is what is measured, and why nothing can "
                    + "be oversold.",
                "Clients are independent platform producers (acks=all, idempotent) that publish their share of the orders "
                    + "as fast as they go: open loop, unlike PostgreSQL's clients, which wait for each commit. An unthrottled "
                    + "run first warms up with a fifth as many orders on a SKU of its own; a rate run's warm-up is the start "
                    + "of its own sale.",
                "Proof of zero oversell, after every run: the decision log allocated exactly the stock (not a unit more, "
                    + "nor less while orders were refused), allocated + backordered = orders, no order line allocated twice, "
                    + "and no location allocated beyond its stock; the engine's GET /stock/{sku} shows allocated <= physical "
                    + "and available = 0 at every location, each location's allocated equal to the log's.",
                "With --shards N, each sale's SKU is split into N shards (allotment.shards), each decided by its own task "
                    + "on the partition its key lands in, with units moved between them by the rebalancing protocol. An order "
                    + "on a dry shard is backordered there and may be filled after a rebalancing: the rate counts each order's "
                    + "first decision, the proof waits until the log has allocated all the stock, and settle_ms is how long "
                    + "that took after the last first decision (filled_after_backorder: orders filled that way).",
                "Issue 7 asks for at least 5× PostgreSQL's flash-sale rate at the same concurrency: compare the runs with "
                    + "baseline-postgres flash-sale runs of the same clients below.",
                "Latency is per order, from its intended send (unthrottled: the moment it was sent) to its decision on the "
                    + "log. Broker, registry, engine (-Xmx1g, exactly_once_v2, 4 partitions) and clients share this "
                    + "machine's cores."));
    }

    /**
     * The engine's {@code allotment.shards} for {@code --shards N}: every sale's SKU and its warm-up SKU, for as many sales
     * as one stack runs (the sales are numbered from 1 on each stack); none when N is 1.
     */
    static List<String> shardSettings(Options o) {
        int n = o.shards();
        if (n == 1) {
            return List.of();
        }
        int sales = o.clients().size() * o.rates("max", "max").size();
        List<String> entries = new ArrayList<>();
        for (int sale = 1; sale <= sales; sale++) {
            entries.add("FLASH-" + sale + "=" + n);
            entries.add("WARM-" + sale + "=" + n);
        }
        return List.of("-Dallotment.shards=" + String.join(",", entries));
    }

    private List<RunResult> runAll() throws Exception {
        List<RunResult> runs = new ArrayList<>();
        try (Decisions watcher = new Decisions(stack, (order, line, sku, location, units, allocated, seen) -> {
            if (allocated) {
                lastAllocationSeen = seen;
            }
            boolean filledLater = allocated && ledger.backordered(order, line, sku);
            ledger.decided(order, line, sku, location, units, allocated);
            if (!filledLater) {
                completions.decided(order, units, seen);  // the order's first decision
            }
        })) {
            decisions = watcher;
            List<String> ids = platform(0).warehouses(WAREHOUSES);
            EngineReady.routing(stack, ids);
            stockedAt = ids.subList(0, o.locations());
            for (int clients : o.clients()) {
                for (double rate : o.rates("max", "max")) {
                    runs.add(rate == 0 ? unthrottled(clients) : atRate(clients, rate));
                }
            }
        } finally {
            platforms.forEach(Platform::close);
        }
        return runs;
    }

    private Platform platform(int client) {
        while (platforms.size() <= client) {
            platforms.add(new Platform(stack));
        }
        return platforms.get(client);
    }

    /** Stock of {@code units} split evenly over the stocked warehouses (the first ones get the remainder). */
    static Map<String, Integer> split(long units, List<String> at) {
        Map<String, Integer> split = new LinkedHashMap<>();
        for (int i = 0; i < at.size(); i++) {
            split.put(at.get(i), (int) (units / at.size() + (i < units % at.size() ? 1 : 0)));
        }
        return split;
    }

    private Map<String, Integer> stockUp(String sku, long orders) throws Exception {
        Map<String, Integer> stock = split(orders / 10, stockedAt);
        platform(0).stock(sku, stock);
        EngineReady.stock(stack, sku, stock);
        return stock;
    }

    /** A warm-up sale of a fifth as many orders on a SKU of its own, then --orders orders as fast as the clients go. */
    private RunResult unthrottled(int clients) throws Exception {
        sale++;
        long orders = orders(o);
        long warmOrders = Math.max(1, orders / 5);
        String sku = "FLASH-" + sale;
        String warmSku = "WARM-" + sale;
        String label = label(clients, "max");
        Map<String, Integer> warmStock = stockUp(warmSku, warmOrders);
        Map<String, Integer> stock = stockUp(sku, orders);
        System.out.printf(Locale.ROOT, "flash-sale %s: warm-up sale of %,d orders, then %,d orders for %,d units of %s, "
            + "%d clients unthrottled%n", label, warmOrders, orders, orders / 10, sku, clients);
        publish(clients, warmOrders, warmSku, "w" + sale + "-", new Pacer(0, 0), new Measurement(Long.MAX_VALUE, Long.MAX_VALUE));
        completions.awaitAllCompleted(label + " warm-up", STALL, decisions::check);
        awaitAllStockAllocated(label + " warm-up", warmSku, warmOrders, warmStock);
        prove(warmSku, warmOrders, warmStock);
        long start = System.nanoTime();
        Measurement m = new Measurement(start, Long.MAX_VALUE);
        m.endedByLimit();
        usage.mark();
        try (Progress ignored = Progress.start(label, m)) {
            publish(clients, orders, sku, "f" + sale + "-", new Pacer(0, 0), m);
            completions.awaitAllCompleted(label, STALL, decisions::check);
        }
        long settleMs = awaitAllStockAllocated(label, sku, orders, stock);
        return result(label, clients, null, m, sku, orders, stock, settleMs);
    }

    /** Orders at {@code rate} per second for warm-up + duration, all of one sale (stock a tenth of them). */
    private RunResult atRate(int clients, double rate) throws Exception {
        sale++;
        long orders = (long) Math.ceil(rate * (o.warmup().toNanos() + o.duration().toNanos()) / 1e9);
        String sku = "FLASH-" + sale;
        String label = label(clients, String.format(Locale.ROOT, "%.0f/s", rate));
        Map<String, Integer> stock = stockUp(sku, orders);
        System.out.printf(Locale.ROOT, "flash-sale %s: %,d orders for %,d units of %s, warm-up %.1f s, measured %.1f s%n",
            label, orders, orders / 10, sku, o.warmup().toMillis() / 1000.0, o.duration().toMillis() / 1000.0);
        long start = System.nanoTime() + 50_000_000L;  // every client reaches the first tick
        long measureStart = start + o.warmup().toNanos();
        Measurement m = new Measurement(measureStart, measureStart + o.duration().toNanos());
        try (Progress ignored = Progress.start(label, m)) {
            publish(clients, orders, sku, "f" + sale + "-", new Pacer(start, rate), m);
            completions.awaitAllCompleted(label, STALL, decisions::check);
        }
        long settleMs = awaitAllStockAllocated(label, sku, orders, stock);
        return result(label, clients, rate, m, sku, orders, stock, settleMs);
    }

    /**
     * {@code orders} one-unit orders of {@code sku} from {@code clients} threads, each its own platform producer, sharing
     * one schedule (unthrottled: each sends its next as soon as the last is handed to its producer).
     */
    private void publish(int clients, long orders, String sku, String prefix, Pacer pacer, Measurement m) throws Exception {
        AtomicLong tickets = new AtomicLong();
        AtomicBoolean marked = new AtomicBoolean(!pacer.throttled());
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Platform platform = platform(c);
            Thread t = new Thread(() -> {
                try {
                    for (long n; (n = tickets.getAndIncrement()) < orders && failure.get() == null; ) {
                        long intended = pacer.intendedStart(n, System.nanoTime());
                        Pacer.awaitUntil(intended, Pacer.Clock.SYSTEM);
                        if (intended >= m.measureStartNanos() && !marked.getAndSet(true)) {
                            usage.mark();
                        }
                        String id = prefix + n;
                        completions.expect(id, intended, 1, 1, (i, lines, seen) -> m.record(i, seen));
                        platform.place(id, List.of(new OrderLine("1", sku, 1)));
                    }
                    platform.flushOrders();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "flash-sale-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * Once every order has its first decision: waits until the log has allocated all the stock there is for them (at
     * once without shards; with shards, lines backordered on a dry shard are filled after a rebalancing), and answers
     * how long after now the last allocation was seen (0 when it came before). Gives up after {@link #STALL}; the proof
     * then says what is missing.
     */
    private long awaitAllStockAllocated(String label, String sku, long orders, Map<String, Integer> stock) throws Exception {
        long firstDecisionsIn = System.nanoTime();
        long expected = Math.min(orders, stock.values().stream().mapToLong(Integer::longValue).sum());
        long deadline = firstDecisionsIn + STALL.toNanos();
        while (ledger.tally(sku).allocated() < expected && System.nanoTime() < deadline) {
            decisions.check();
            Thread.sleep(20);
        }
        long settled = Math.max(0, lastAllocationSeen - firstDecisionsIn) / 1_000_000;
        if (settled > 0) {
            System.out.printf(Locale.ROOT, "flash-sale %s: the last of the stock was allocated %d ms after every order had "
                + "its first decision (%,d orders filled after a backorder)%n", label, settled,
                ledger.tally(sku).filledAfterBackorder());
        }
        return settled;
    }

    private String label(int clients, String run) {
        return "ci" + commitIntervalMs + " c" + clients + " " + run;
    }

    private RunResult result(String label, int clients, Double offered, Measurement m, String sku, long orders,
                             Map<String, Integer> stock, long settleMs) throws Exception {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("commit_interval_ms", commitIntervalMs);
        extra.put("shards", o.shards());
        extra.put("settle_ms", settleMs);
        extra.putAll(prove(sku, orders, stock));
        usage.putInto(extra, "decisions", m.measuredCompleted());
        Map<String, Object> tags = EngineScenarios.tags("flash-sale", commitIntervalMs);
        tags.put("clients", clients);
        RunResult run = RunResult.of(label, tags, offered, m, extra);
        System.out.printf(Locale.ROOT, "flash-sale %s: %,.0f decisions/s, p50 %.1f ms, p99 %.1f ms; %s%n", label,
            run.achievedRate(), run.latency().p50(), run.latency().p99(),
            Boolean.TRUE.equals(extra.get("zero_oversell")) ? "zero oversell proven" : "CHECKS FAILED");
        return run;
    }

    /**
     * Checks the sale of {@code sku} on the log and on the engine; throws when any check fails. With shards the engine's
     * totals are told to the SKU's home at each shard's commit, so its answer is given a few seconds to catch up with the
     * log before the proof counts it.
     */
    private Map<String, Object> prove(String sku, long orders, Map<String, Integer> stock) throws Exception {
        int shards = o.shards();
        Proof proof = Proof.of(orders, stock, ledger.tally(sku), EngineReady.stock(stack, sku), shards);
        long deadline = System.nanoTime() + Duration.ofSeconds(shards > 1 ? 15 : 0).toNanos();
        while (!proof.failures().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            proof = Proof.of(orders, stock, ledger.tally(sku), EngineReady.stock(stack, sku), shards);
        }
        if (!proof.failures().isEmpty()) {
            throw new IllegalStateException("flash sale of " + sku + " failed its checks: " + String.join("; ", proof.failures())
                + " (facts: " + proof.facts() + ")");
        }
        return proof.facts();
    }

    /** The proof of zero oversell for one sale: facts for the report, and every check that failed. */
    record Proof(Map<String, Object> facts, List<String> failures) {
        static Proof of(long orders, Map<String, Integer> stock, SaleLedger.Tally log, Map<String, EngineReady.Level> engine,
                        int shards) {
            long total = stock.values().stream().mapToLong(Integer::longValue).sum();
            Map<String, Object> facts = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            facts.put("orders", orders);
            facts.put("stock", total);
            facts.put("stock_at", text(stock));
            facts.put("allocated", log.allocated());
            facts.put("backordered", log.backordered());
            facts.put("allocated_at", text(log.allocatedAt()));
            facts.put("lines_allocated", log.linesAllocated());
            facts.put("lines_allocated_twice", log.linesAllocatedAgain());
            facts.put("filled_after_backorder", log.filledAfterBackorder());
            long expectedAllocated = Math.min(orders, total);
            if (log.allocated() != expectedAllocated) {
                failures.add(String.format(Locale.ROOT, "the decision log allocated %d units, expected %d (%s)", log.allocated(),
                    expectedAllocated, log.allocated() > expectedAllocated ? "oversold" : "stock left while orders were refused"));
            }
            if (log.allocated() + log.backordered() != orders) {
                failures.add(String.format(Locale.ROOT, "allocated %d + backordered %d is not the %d orders", log.allocated(),
                    log.backordered(), orders));
            }
            if (log.linesAllocatedAgain() != 0 || log.linesAllocated() != log.allocated()) {
                failures.add(String.format(Locale.ROOT, "%d order lines allocated again (%d distinct lines for %d allocated units)",
                    log.linesAllocatedAgain(), log.linesAllocated(), log.allocated()));
            }
            if (shards == 1 && log.filledAfterBackorder() > 0) {
                failures.add(log.filledAfterBackorder() + " order lines allocated after their backorder, in a sale whose "
                    + "stock was all there before it began");
            }
            log.allocatedAt().forEach((location, units) -> {
                if (units > stock.getOrDefault(location, 0)) {
                    failures.add("the log allocated " + units + " at " + location + ", which held " + stock.getOrDefault(location, 0));
                }
            });
            long oversold = engine.values().stream().filter(l -> l.allocated() > l.physical()).count();
            facts.put("engine_physical", engine.values().stream().mapToLong(EngineReady.Level::physical).sum());
            facts.put("engine_allocated", engine.values().stream().mapToLong(EngineReady.Level::allocated).sum());
            facts.put("engine_available", engine.values().stream().mapToLong(EngineReady.Level::available).sum());
            facts.put("engine_oversold_locations", oversold);
            for (Map.Entry<String, Integer> e : stock.entrySet()) {
                EngineReady.Level level = engine.get(e.getKey());
                if (level == null) {
                    failures.add("the engine shows no stock at " + e.getKey());
                    continue;
                }
                long logged = log.allocatedAt().getOrDefault(e.getKey(), 0L);
                if (level.physical() != e.getValue()) {
                    failures.add("the engine shows physical " + level.physical() + " at " + e.getKey() + ", counted " + e.getValue());
                }
                if (level.allocated() > level.physical()) {
                    failures.add("the engine shows allocated " + level.allocated() + " > physical " + level.physical() + " at " + e.getKey());
                }
                if (level.allocated() != logged) {
                    failures.add("the engine shows allocated " + level.allocated() + " at " + e.getKey() + ", the log " + logged);
                }
                long expectedAvailable = orders >= total ? 0 : level.physical() - level.allocated();
                if (level.available() != expectedAvailable) {
                    failures.add("the engine shows available " + level.available() + " at " + e.getKey() + ", expected " + expectedAvailable);
                }
            }
            engine.forEach((location, level) -> {
                if (!stock.containsKey(location) && level.allocated() > 0) {
                    failures.add("the engine allocated " + level.allocated() + " at " + location + ", which was never stocked");
                }
            });
            facts.put("zero_oversell", failures.isEmpty());
            return new Proof(facts, failures);
        }

        private static String text(Map<String, ? extends Number> byLocation) {
            return new TreeMap<>(byLocation).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(" "));
        }
    }
}
