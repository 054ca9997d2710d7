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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The steady scenario: orders of 1–5 lines (1–3 units each) over Zipf-popular SKUs, published in Avro to the order
 * events as a platform would, auto-allocated by the engine over 4 warehouses that never run out. Its figure is order
 * lines decided per second; its latency is per order, from the order's intended send to the moment the decision log
 * (read_committed) holds decisions covering all its units. One run unthrottled, one per offered rate (lines/s), on a
 * fresh stack for each commit interval swept.
 */
public final class SteadyScenario {
    static final int WAREHOUSES = 4;
    /** Units of each SKU at each warehouse: more than any run orders, so every line is allocated. */
    static final int PHYSICAL = 1_000_000;
    /** Partitions of the engine's topics (EngineStack). */
    static final int PARTITIONS = 4;
    /** A run fails when no order completes for this long. */
    static final Duration STALL = Duration.ofSeconds(60);
    /** A rate run stops offering once this much of its offered load waits undecided: the engine cannot keep up. */
    static final Duration SATURATED = Duration.ofSeconds(30);

    private final Options o;
    private final EngineStack stack;
    private final long commitIntervalMs;
    private final OrderCompletions completions = new OrderCompletions();
    private final SteadyOrders generator;
    private final EngineUsage usage;
    private Decisions decisions;
    private long orderSeq;

    private SteadyScenario(Options o, EngineStack stack, long commitIntervalMs) {
        this.o = o;
        this.stack = stack;
        this.commitIntervalMs = commitIntervalMs;
        this.generator = new SteadyOrders(skus(o), o.zipf(), 7);
        this.usage = new EngineUsage(stack);
    }

    static int skus(Options o) {
        return o.skus("10000", "500");
    }

    static long lines(Options o) {
        return o.lines("1000000", "5000");
    }

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        Map<String, Object> stackFacts = new LinkedHashMap<>();
        List<RunResult> runs = EngineScenarios.onEachStack("steady", o, stackFacts,
            (stack, ci) -> new SteadyScenario(o, stack, ci).runAll());
        Map<String, Object> p = o.asParameters();
        p.putAll(stackFacts);
        p.put("skus", skus(o));
        p.put("zipf", o.zipf());
        p.put("warehouses", WAREHOUSES);
        p.put("physical_per_sku_and_warehouse", PHYSICAL);
        p.put("lines_unthrottled", lines(o));
        return new BenchResult("steady", "lines", started, p, Machine.describe(), BenchResult.bestRate(runs), runs, List.of(
            "Throughput is order lines decided per second (every line here is allocated: stock never runs out). An unthrottled "
                + "run publishes --lines lines after a warm-up of a fifth as many and is timed from its first order to its "
                + "last decision; a rate run offers lines at that rate (whole orders, each due when its first line is). When "
                + "the first run on an engine is a rate run, a fifth of --lines go unthrottled before it, measured nowhere.",
            "Latency is per order: from its intended send (the rate's schedule, so a stall is charged to every order behind "
                + "it; unthrottled, the moment it was sent) to the moment a read_committed consumer of the decision log has seen "
                + "decisions covering all its units. An order's lines cross the orders sub-topology, the engine's commands topic and "
                + "their SKUs' partitions, and a decision is readable once the SKU task's transaction commits: expect about "
                + "two commit intervals plus processing.",
            "Each commit interval runs on a fresh stack (topics, engine and state), so runs of one interval are comparable "
                + "with each other; engine_cpu_s is the engine process's CPU time (user + system) from the start of the "
                + "measured window to the last decision, heap and RSS are read at the end of the run. The order fold that "
                + "trails the decisions is partly outside that window.",
            "Broker, registry, engine (-Xmx1g, exactly_once_v2, 4 partitions, one stream thread) and load generator share "
                + "this machine's cores."));
    }

    private List<RunResult> runAll() throws Exception {
        List<RunResult> runs = new java.util.ArrayList<>();
        try (Platform platform = new Platform(stack);
             Decisions watcher = new Decisions(stack, (order, line, sku, location, units, allocated, seen) ->
                 completions.decided(order, units, seen))) {
            decisions = watcher;
            setUp(platform);
            List<Double> rates = o.rates("max,5000,10000,20000,40000", "max,1000");
            if (!rates.isEmpty() && rates.get(0) != 0) {
                warmUp(platform);   // an unthrottled run warms the engine itself; a rate run would be charged for it
            }
            for (double rate : rates) {
                runs.add(rate == 0 ? unthrottled(platform) : atRate(platform, rate));
            }
            watcher.check();
            long decided = watcher.allocatedUnits() + watcher.backorderedUnits();
            if (decided != completions.expectedUnits() || completions.strayUnits() != 0) {
                throw new IllegalStateException(String.format(Locale.ROOT, "the decision log does not account for the orders: "
                        + "%,d units published, %,d decided (%,d allocated, %,d backordered), %,d stray",
                    completions.expectedUnits(), decided, watcher.allocatedUnits(), watcher.backorderedUnits(),
                    completions.strayUnits()));
            }
            System.out.printf(Locale.ROOT, "steady: every unit published is decided: %,d units of %,d orders (%,d allocated, "
                    + "%,d backordered)%n", decided, completions.expected(), watcher.allocatedUnits(), watcher.backorderedUnits());
        }
        return runs;
    }

    /** Warehouses and routing, then stock of every SKU at every warehouse; waits until the engine knows them all. */
    private void setUp(Platform platform) throws Exception {
        List<String> ids = platform.warehouses(WAREHOUSES);
        EngineReady.routing(stack, ids);
        long t0 = System.nanoTime();
        platform.stock(skus(o), ids, PHYSICAL);
        Map<String, Integer> full = new LinkedHashMap<>();
        ids.forEach(id -> full.put(id, PHYSICAL));
        for (int s : EngineReady.lastSkuOfEachPartition(skus(o), PARTITIONS)) {
            EngineReady.stock(stack, Platform.sku(s), full);
        }
        System.out.printf(Locale.ROOT, "steady: stock of %,d SKUs at %d warehouses counted in %.1f s%n",
            skus(o), WAREHOUSES, (System.nanoTime() - t0) / 1e9);
    }

    /** Publishes the next order, meant to go at {@code intendedNanos}; returns its line count. */
    private int publish(Platform platform, String prefix, long intendedNanos, Measurement lines, Measurement orders) {
        List<OrderLine> order = generator.next();
        String id = prefix + (orderSeq++);
        completions.expect(id, intendedNanos, order.size(), SteadyOrders.units(order), (intended, count, seen) -> {
            orders.record(intended, seen);
            for (int i = 0; i < count; i++) {
                lines.record(intended, seen);
            }
        });
        platform.place(id, order);
        return order.size();
    }

    /**
     * A fifth of --lines as fast as they go, measured nowhere, before the first rate run on a fresh engine: started cold
     * (JIT, stores, caches), an engine spent the first 10 to 20 s of a 5,000 lines/s run catching up, and the run's
     * percentiles were that backlog's (docs/benchmarks/RESULTS.md).
     */
    private void warmUp(Platform platform) throws Exception {
        long n = lines(o) / 5;
        String label = label("warm-up");
        System.out.printf(Locale.ROOT, "steady %s: %,d lines unthrottled before the first rate run%n", label, n);
        Measurement warm = new Measurement(Long.MAX_VALUE, Long.MAX_VALUE);
        for (long sent = 0; sent < n; ) {
            sent += publish(platform, "ci" + commitIntervalMs + "-warm-", System.nanoTime(), warm, warm);
        }
        platform.flushOrders();
        completions.awaitAllCompleted(label, STALL, decisions::check);
    }

    /** A warm-up of a fifth of --lines, then --lines lines as fast as they go, timed until the last is decided. */
    private RunResult unthrottled(Platform platform) throws Exception {
        long n = lines(o);
        String label = label("max");
        String prefix = "ci" + commitIntervalMs + "-max-";
        System.out.printf(Locale.ROOT, "steady %s: warm-up of %,d lines, then %,d lines unthrottled%n", label, n / 5, n);
        Counts before = counts();
        Measurement warm = new Measurement(Long.MAX_VALUE, Long.MAX_VALUE);
        for (long sent = 0; sent < n / 5; ) {
            sent += publish(platform, prefix, System.nanoTime(), warm, warm);
        }
        platform.flushOrders();
        completions.awaitAllCompleted(label + " warm-up", STALL, decisions::check);
        TopicRecords records = new TopicRecords(stack);
        Map<String, Long> recordsBefore = records.quiet();
        long start = System.nanoTime();
        Measurement lines = new Measurement(start, Long.MAX_VALUE);
        Measurement orders = new Measurement(start, Long.MAX_VALUE);
        lines.endedByLimit();
        orders.endedByLimit();
        usage.mark();
        try (Progress ignored = Progress.start(label, lines)) {
            for (long sent = 0; sent < n; ) {
                sent += publish(platform, prefix, System.nanoTime(), lines, orders);
            }
            platform.flushOrders();
            completions.awaitAllCompleted(label, STALL, decisions::check);
        }
        RunResult run = result(label, null, lines, orders, before);
        // after the timed window: the fold trails the decisions, and its records count
        Map<String, Object> perLine = TopicRecords.perLine(recordsBefore, records.quiet(), records.changelogPrefix(),
            lines.measuredCompleted());
        run.extra().put("records_per_line", perLine);
        System.out.println("steady " + label + ": records per line, by topic: " + perLine);
        return run;
    }

    /**
     * Lines at {@code rate} per second for warm-up + duration, sent as whole orders, each due when its first line is;
     * latency from that intended time. After the window the backlog drains, and counts. When more than
     * {@link #SATURATED} of offered load waits undecided, the engine cannot keep up at this rate: the run stops offering,
     * drains, and is marked saturated, rather than queue hours of backlog.
     */
    private RunResult atRate(Platform platform, double rate) throws Exception {
        String label = label(String.format(Locale.ROOT, "%.0f/s", rate));
        String prefix = "ci" + commitIntervalMs + "-r" + Math.round(rate) + "-";
        System.out.println("steady " + label + ": warm-up " + o.warmup().toMillis() / 1000.0 + " s, measured "
            + o.duration().toMillis() / 1000.0 + " s");
        TopicRecords records = new TopicRecords(stack);
        Map<String, Long> recordsBefore = records.quiet();   // before the pacer's start: it waits for the topics to settle
        Counts before = counts();
        long start = System.nanoTime() + 10_000_000L;
        long measureStart = start + o.warmup().toNanos();
        Measurement lines = new Measurement(measureStart, measureStart + o.duration().toNanos());
        Measurement orders = new Measurement(measureStart, measureStart + o.duration().toNanos());
        Pacer pacer = new Pacer(start, rate);
        boolean marked = false;
        long backlogLimit = saturationLimit(rate, SATURATED);
        Double saturatedAt = null;
        long sentLines = 0;
        try (Progress ignored = Progress.start(label, lines)) {
            for (; ; ) {
                long intended = pacer.intendedStart(sentLines, 0);
                if (intended >= lines.measureEndNanos()) {
                    break;
                }
                if (completions.open() > backlogLimit) {
                    saturatedAt = (intended - start) / 1e9;
                    System.out.printf(Locale.ROOT, "steady %s: %,d orders wait for decisions, more than %d s of this rate: "
                        + "the engine cannot keep up; offering stops at %.1f s and the backlog drains%n", label,
                        completions.open(), SATURATED.toSeconds(), saturatedAt);
                    break;
                }
                Pacer.awaitUntil(intended, Pacer.Clock.SYSTEM);
                if (!marked && intended >= measureStart) {
                    usage.mark();
                    marked = true;
                }
                sentLines += publish(platform, prefix, intended, lines, orders);
            }
            platform.flushOrders();
            completions.awaitAllCompleted(label, STALL, decisions::check);
        }
        RunResult run = result(label, rate, lines, orders, before);
        // every line of the run, warm-up included: at a rate the engine keeps up with, an order's commits are apart
        Map<String, Object> perLine = TopicRecords.perLine(recordsBefore, records.quiet(), records.changelogPrefix(), sentLines);
        run.extra().put("records_per_line", perLine);
        System.out.println("steady " + label + ": records per line, by topic: " + perLine);
        if (saturatedAt != null) {
            run.extra().put("saturated", true);
            run.extra().put("offered_until_s", Math.round(saturatedAt * 10) / 10.0);
        }
        return run;
    }

    /** The open orders that stand for {@code backlog} of offered load at {@code rate} lines/s (3 lines an order on average). */
    static long saturationLimit(double rate, Duration backlog) {
        return Math.max(1000, (long) (rate * backlog.toSeconds() / 3));
    }

    private String label(String run) {
        return "ci" + commitIntervalMs + " " + run;
    }

    /** What the watcher and the tracker had counted before a run (warm-up included). */
    private record Counts(long units, long allocated, long backordered) {}

    private Counts counts() {
        return new Counts(completions.expectedUnits(), decisions.allocatedUnits(), decisions.backorderedUnits());
    }

    private RunResult result(String label, Double offered, Measurement lines, Measurement orders, Counts before) {
        orders.flush();  // never ticked by Progress: fold every latency recorded into its totals
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("commit_interval_ms", commitIntervalMs);
        extra.put("orders", orders.measuredCompleted());
        extra.put("orders_per_s", Math.round(orders.achievedRate()));
        long units = completions.expectedUnits() - before.units();
        long allocated = decisions.allocatedUnits() - before.allocated();
        long backordered = decisions.backorderedUnits() - before.backordered();
        extra.put("units_published", units);
        extra.put("units_allocated", allocated);
        extra.put("units_backordered", backordered);
        usage.putInto(extra, "lines", lines.measuredCompleted());
        if (allocated + backordered != units) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: %,d units published (warm-up included), "
                + "%,d decided (%,d allocated, %,d backordered)", label, units, allocated + backordered, allocated, backordered));
        }
        double seconds = lines.achievedRate() == 0 ? 0 : lines.measuredCompleted() / lines.achievedRate();
        RunResult run = new RunResult(label, EngineScenarios.tags("steady", commitIntervalMs), offered, lines.achievedRate(),
            lines.measuredCompleted(), seconds, orders.latency(), lines.perSecond(), extra);
        System.out.printf(Locale.ROOT, "steady %s: %,.0f lines/s (%,.0f orders/s), order latency p50 %.1f ms, p99 %.1f ms%n",
            label, run.achievedRate(), orders.achievedRate(), run.latency().p50(), run.latency().p99());
        return run;
    }
}
