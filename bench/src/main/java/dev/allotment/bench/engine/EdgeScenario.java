package dev.allotment.bench.engine;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Load;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.RunResult;
import dev.allotment.bench.engine.EdgeClient.Reply;
import dev.allotment.bench.engine.EdgeClient.UnexpectedReply;
import dev.allotment.bench.engine.EdgeRequests.Placed;
import dev.allotment.bench.engine.EdgeRequests.Request;
import dev.allotment.bench.engine.EdgeRequests.Tally;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationKind;
import dev.allotment.events.OrderLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The engine's HTTP edge under fixed offered rates (issue 7, <em>edge</em>): the full round trip of a command, from
 * its intended start to the HTTP answer. Four kinds of operation, each a run of its own per rate:
 * <ul>
 * <li>{@code allocate}: Veeqo's {@code POST /orders/{id}/allocations} of a reserved order's line at warehouse L1
 *     (201). One hop: the command is decided on the SKU's partition and the edge reads the outcome there.</li>
 * <li>{@code confirm}: Centra's {@code POST /allocation-requests/{id}/confirm} as the supplier, every tenth a
 *     {@code …/reject} (200, the request now confirmed / rejected). The edge also waits until the order's fold
 *     shows the decision: a second hop, behind the commit of the SKU's task.</li>
 * <li>{@code crux}: Crux Connect's {@code PUT /orders/allocation/{order}/} accepting the line (200, Allocated); the
 *     same two hops.</li>
 * <li>{@code query}: {@code GET /orders/{id}} of a random order placed on this engine (200).</li>
 * <li>{@code adjust}: {@code POST /stock/adjustments} of one unit more at warehouse L1 of a SKU in turn (200). One hop:
 *     the stock event is decided on the SKU's partition and the edge reads the outcome there.</li>
 * </ul>
 * Every operation acts on an order (or request) of its own, prepared before the first run of an engine: orders placed
 * over Kafka on a channel without routing (reserved, never allocated automatically) and reserved; for answers, also
 * allocated over HTTP at a supplier in confirm mode, each request visible. Any answer other than the expected one is
 * an error, and an error fails the scenario; so does stock that disagrees with the answers after a run. One engine
 * per --commit-interval.
 */
public final class EdgeScenario {
    static final List<String> OPS = List.of("allocate", "confirm", "crux", "query", "adjust");
    /** SKUs the orders rotate through (spread over the 4 partitions of the SKUs' topics). */
    static final int SKUS = 64;
    /** The channel of the scenario's orders: no routing, so the engine reserves their lines and allocates nothing. */
    static final String CHANNEL = "manual";
    static final String LINE = "l-1";
    static final String WAREHOUSE = "L1";
    static final String SUPPLIER = EngineStack.SUPPLIER_LOCATION;
    /** Every tenth supplier answer of a confirm run rejects the request. */
    static final int REJECT_EVERY = 10;
    static final int PHYSICAL = 1_000_000;
    /** A week: no request times out during a run. */
    static final int CONFIRM_TIMEOUT_S = 7 * 24 * 3600;
    /** Orders the query runs read at least (placed when the earlier runs placed fewer). */
    static final int QUERY_ORDERS = 10_000;
    static final int QUERY_ORDERS_SMOKE = 500;
    /** Concurrent clients of the set-up (placing requests, checking they are visible). */
    static final int SETUP_CLIENTS = 16;
    /** How long a set-up step may take at most: this, and 5 ms more per order or request it waits for. */
    static final Duration SETUP_BOUND = Duration.ofMinutes(5);

    private final Options o;
    private final EngineStack stack;
    private final Platform platform;
    private EdgeClient[] platformClients;
    private EdgeClient[] supplierClients;
    private final EdgeClient[] setupPlatform = new EdgeClient[SETUP_CLIENTS];
    private final EdgeClient[] setupSupplier = new EdgeClient[SETUP_CLIENTS];
    private final Map<String, String> allocateBodies = new HashMap<>();
    private final String cruxBody = EdgeRequests.cruxAccept(LINE, 1);
    private final String rejectBody = EdgeRequests.reject("bench: no stock at the supplier");
    /** Every order placed on this engine: what the query runs read. */
    private final List<Placed> placed = new ArrayList<>();
    /** The request ids the scenario's Idempotency-Keys lead to, and the ids the edge actually gave. */
    private final Set<String> requestIds = Collections.synchronizedSet(new HashSet<>());
    private int batches;
    private int backgroundRuns;
    /** Answers that moved stock, warm-up included: what the engine's stock must show after each run. */
    private final AtomicLong allocatedAtWarehouse = new AtomicLong();
    private final AtomicLong requestsMade = new AtomicLong();
    private final AtomicLong requestsRejected = new AtomicLong();
    /** Adjustments answered 200 (+1 physical unit at L1 each), warm-up included. */
    private final AtomicLong adjustedAtWarehouse = new AtomicLong();
    private final Map<String, String> adjustBodies = new HashMap<>();
    /** Numbers the measured commands' Idempotency-Keys with {@code --keyed} (a key is never used twice on one engine). */
    private final AtomicLong keysGiven = new AtomicLong();

    private EdgeScenario(Options o, EngineStack stack, Platform platform, int clients) {
        this.o = o;
        this.stack = stack;
        this.platform = platform;
        measureThrough(stack.httpBase(), clients);
        for (int i = 0; i < SETUP_CLIENTS; i++) {
            setupPlatform[i] = new EdgeClient(stack.httpBase(), EngineStack.PLATFORM_KEY);
            setupSupplier[i] = new EdgeClient(stack.httpBase(), EngineStack.SUPPLIER_KEY);
        }
        for (int s = 0; s < SKUS; s++) {
            allocateBodies.put(Platform.sku(s), EdgeRequests.veeqoAllocation(WAREHOUSE, Platform.sku(s), 1));
            adjustBodies.put(Platform.sku(s), EdgeRequests.adjustment(WAREHOUSE, Platform.sku(s), 1));
        }
    }

    /** The measured requests go to the edge at {@code base} (the second instance, in a two-instance run). */
    private void measureThrough(String base, int clients) {
        platformClients = clients(base, clients, EngineStack.PLATFORM_KEY);
        supplierClients = clients(base, clients, EngineStack.SUPPLIER_KEY);
    }

    private static EdgeClient[] clients(String base, int n, String key) {
        EdgeClient[] c = new EdgeClient[n];
        for (int i = 0; i < n; i++) {
            c[i] = new EdgeClient(base, key);
        }
        return c;
    }

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        List<String> ops = o.ops(String.join(",", OPS));
        for (String op : ops) {
            if (!OPS.contains(op)) {
                throw new IllegalArgumentException("unknown --ops " + op + " (" + String.join(", ", OPS) + ")");
            }
            for (double rate : rates(o, op)) {
                if (rate <= 0) {
                    throw new IllegalArgumentException("edge runs at fixed rates only ('max' has no schedule to prepare orders for)");
                }
            }
        }
        List<Integer> clientCounts = o.clients("32", "8");
        plan(o, ops, clientCounts);   // refuses repeated runs before anything starts
        List<RunResult> runs = new ArrayList<>();
        Map<String, Object> engine = null;
        for (long commitInterval : o.commitIntervals()) {
            EngineStack.Settings settings = new EngineStack.Settings(commitInterval, o.threads(), "1g", o.engineConfig(),
                EngineScenarios.jfrFor(o.jfr(), commitInterval, o.commitIntervals().size() > 1));
            System.out.println("edge: starting broker, registry and engine (commit interval " + commitInterval + " ms)");
            long t0 = System.nanoTime();
            try (EngineStack stack = EngineStack.start(o.bootstrap(), o.bootstrapGiven(), settings);
                 Platform platform = new Platform(stack)) {
                System.out.printf(Locale.ROOT, "edge: engine healthy after %.1f s (log: %s)%n", (System.nanoTime() - t0) / 1e9,
                    stack.engineLog());
                int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
                EdgeScenario scenario = new EdgeScenario(o, stack, platform, maxClients);
                long t1 = System.nanoTime();
                scenario.setUp();
                System.out.printf(Locale.ROOT, "edge: locations and stock of %d SKUs in place after %.1f s%n", SKUS,
                    (System.nanoTime() - t1) / 1e9);
                List<Run> plan = plan(o, ops, clientCounts);
                long t2 = System.nanoTime();
                Map<Run, Pools> pools = scenario.prepare(plan);
                System.out.printf(Locale.ROOT, "edge: prepared every run in %.1f s%n", (System.nanoTime() - t2) / 1e9);
                if (o.instances() == 2) {
                    Duration joined = stack.startPeer(Duration.ofSeconds(180));
                    scenario.measureThrough(stack.peerBase(), maxClients);
                    System.out.printf(Locale.ROOT, "edge: a second instance joined in %.1f s; every measured request goes "
                        + "to it (log: %s)%n", joined.toMillis() / 1e3, stack.peerLog());
                }
                for (Run run : plan) {
                    runs.add(scenario.runOnce(run, pools.get(run)));
                }
                engine = stack.describe();
            }
        }
        Map<String, Object> params = o.asParameters();
        params.put("ops", String.join(",", ops));
        params.put("clients", clientCounts.toString());
        params.put("commit_intervals_ms", o.commitIntervals().toString());
        params.put("skus", SKUS);
        params.put("channel", CHANNEL + " (no routing: reserved, allocated only by hand)");
        params.put("supplier", SUPPLIER + " (SUPPLIER, CONFIRM, timeout " + CONFIRM_TIMEOUT_S + " s, tracks stock, no webhook)");
        params.put("reject_every", REJECT_EVERY);
        params.put("instances", o.instances() == 2 ? "2 (one application id; every measured request sent to the second, "
            + "which holds about half of the partitions: the rest are forwarded to the first or, for commands, decided "
            + "there)" : "1");
        if (engine != null) {
            engine.remove("commit_interval_ms");
            params.putAll(engine);
        }
        return new BenchResult("edge", "requests", started, params, Machine.describe(), BenchResult.bestRate(runs), runs,
            notes());
    }

    /** The runs on one engine, clients by operation by rate; each must be distinct, as each has orders of its own. */
    static List<Run> plan(Options o, List<String> ops, List<Integer> clientCounts) {
        List<Run> plan = new ArrayList<>();
        for (int clients : clientCounts) {
            for (String op : ops) {
                for (double rate : rates(o, op)) {
                    Run run = new Run(op, rate, clients);
                    if (plan.contains(run)) {
                        throw new IllegalArgumentException("the run " + op + " at " + rate + "/s with " + clients
                            + " clients is asked for twice (--ops, the rates or --clients repeat a value)");
                    }
                    plan.add(run);
                }
            }
        }
        return plan;
    }

    static List<Double> rates(Options o, String op) {
        return switch (op) {
            case "allocate" -> o.rates("allocate-rate", "250,500,1000", "50");
            case "confirm", "crux" -> o.rates("answer-rate", "250,500", "50");
            case "query" -> o.rates("query-rate", "1000,2500,5000", "100");
            case "adjust" -> o.rates("stock-rate", "250,1000", "50");
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
    }

    static List<String> notes() {
        return List.of(
            "Latency runs from each request's intended start (start + n / rate) to the moment its HTTP answer has been "
                + "read, so a stall is charged to every request queued behind it. Each client is a java.net.http.HttpClient "
                + "(HTTP/1.1) keeping its one connection alive; clients share the schedule.",
            "allocate: Veeqo POST /orders/{id}/allocations, one unit of the order's one line at warehouse L1, expecting 201. "
                + "Each request allocates a different order, placed over Kafka before the first run on channel `manual` (no "
                + "routing, so the engine reserved the line and allocated nothing) and reserved on its SKU's partition before the runs. "
                + "The edge publishes one command keyed by the SKU and polls the SKU partition's outcome store: one hop.",
            "confirm: Centra POST /allocation-requests/{id}/confirm as the supplier's key, every tenth request "
                + "/reject instead, expecting 200 with the request confirmed / rejected. crux: Crux Connect PUT "
                + "/orders/allocation/{order}/ accepting the line, expecting 200 with the line Allocated. The requests were "
                + "made before the runs by manual allocations at supplier SUP-1 (confirm mode) and were visible through GET "
                + "/allocation-requests/{id}. The edge publishes one command keyed by the SKU and answers once the SKU "
                + "partition's outcome is committed, the order's lines laid over its projection: one hop, as an allocation.",
            "query: GET /orders/{id} of a random order among all the orders placed on this engine (at least "
                + QUERY_ORDERS + "): an interactive query of the local orders store, no Kafka on the path.",
            "adjust: POST /stock/adjustments of one adjustment, +1 physical unit of a SKU at L1 (the SKUs in turn), "
                + "expecting 200. The edge publishes one stock event keyed by the SKU and answers once the SKU partition's "
                + "outcome is committed: one hop. The check after the run: L1's physical units, summed, are the set-up's "
                + "and one per 200.",
            "With --keyed every measured command (warm-up included) carries an Idempotency-Key of its own, as a client "
                + "that retries safely sends, and the edge records each answer under it (DESIGN §4, invariant 8); without "
                + "it, none does.",
            "Any answer other than the expected one is an error and fails the scenario. `statuses` counts the measured "
                + "answers by operation and HTTP status. `engine_cpu_ms` is the CPU time the engine process used during the "
                + "warm-up and the measured window together; `engine_cpu_us_per_op` divides it by the requests of both.",
            "Targets (issue 7): allocate p99 ≤ 25 ms at 1,000/s; query p99 ≤ 5 ms at 5,000/s. The load generator, broker, "
                + "registry and engine share the machine's cores.",
            "Beside the baselines: runs are matched by offered rate (and clients). The meaningful comparison is allocate "
                + "against baseline-postgres at the same --rate and --clients (one row-locking transaction per allocation); "
                + "query against a transaction compares unlike things.");
    }

    /** Locations (warehouse L1, supplier SUP-1), stock of every SKU at both; returns once the engine shows them. */
    private void setUp() throws Exception {
        platform.warehouses(1);
        platform.location(SUPPLIER, "Supplier 1", LocationKind.SUPPLIER, ConfirmMode.CONFIRM, CONFIRM_TIMEOUT_S, true);
        platform.stock(SKUS, List.of(WAREHOUSE, SUPPLIER), PHYSICAL);
        Polling.await(SETUP_BOUND, () -> stack.get("/locations/" + SUPPLIER).statusCode() == 200);
        for (int s = 0; s < SKUS; s++) {
            String sku = Platform.sku(s);
            Polling.await(SETUP_BOUND, () -> {
                var r = stack.get("/stock/" + sku);
                return r.statusCode() == 200 && r.body().contains("\"" + SUPPLIER + "\"") && r.body().contains("\"" + WAREHOUSE + "\"");
            });
        }
    }

    /** One measured run: an operation at a rate with a number of clients. */
    record Run(String op, double rate, int clients) {}

    /** What a run's operations act on: orders for allocations, requests for answers; warm-up and measured apart. */
    record Pools(List<Placed> warmOrders, List<Placed> measuredOrders, List<Request> warmRequests, List<Request> measuredRequests) {}

    /**
     * Prepares every run of this engine at once: places the orders all runs need in one batch (and, for the query
     * runs, at least {@link #QUERY_ORDERS}) and waits until they are reserved; then allocates the answer runs' orders
     * at the supplier and waits until every request is visible. Each order serves one operation of one run.
     */
    Map<Run, Pools> prepare(List<Run> plan) throws Exception {
        int needed = 0;
        for (Run run : plan) {
            if (usesOrders(run.op())) {
                needed += EdgeRequests.scheduled(run.rate(), o.warmup()) + EdgeRequests.scheduled(run.rate(), o.duration());
            }
        }
        boolean queries = plan.stream().anyMatch(r -> r.op().equals("query"));
        int total = Math.max(needed, queries ? (o.smoke() ? QUERY_ORDERS_SMOKE : QUERY_ORDERS) : 0);
        List<Placed> orders = total == 0 ? List.of() : placeOrders(total);
        List<Placed> toSupplier = new ArrayList<>();
        int at = 0;
        Map<Run, int[]> slices = new LinkedHashMap<>();
        for (Run run : plan) {
            if (!usesOrders(run.op())) {
                continue;
            }
            int warm = EdgeRequests.scheduled(run.rate(), o.warmup());
            int measured = EdgeRequests.scheduled(run.rate(), o.duration());
            slices.put(run, new int[] {at, at + warm, at + warm + measured});
            if (!run.op().equals("allocate")) {
                toSupplier.addAll(orders.subList(at, at + warm + measured));
            }
            at += warm + measured;
        }
        Map<Placed, Request> requests = new HashMap<>();
        if (!toSupplier.isEmpty()) {
            requestsAtSupplier(toSupplier).forEach(r -> requests.put(r.order(), r));
        }
        Map<Run, Pools> pools = new HashMap<>();
        for (Run run : plan) {
            int[] slice = slices.get(run);
            if (slice == null) {
                pools.put(run, new Pools(List.of(), List.of(), List.of(), List.of()));
                continue;
            }
            List<Placed> warm = orders.subList(slice[0], slice[1]);
            List<Placed> measured = orders.subList(slice[1], slice[2]);
            pools.put(run, new Pools(warm, measured, warm.stream().map(requests::get).toList(),
                measured.stream().map(requests::get).toList()));
        }
        return pools;
    }

    /** Whether each operation of {@code op} acts on an order of its own, prepared before the runs. */
    static boolean usesOrders(String op) {
        return !op.equals("query") && !op.equals("adjust");
    }

    private RunResult runOnce(Run run, Pools pools) throws Exception {
        String op = run.op();
        double rate = run.rate();
        int clients = run.clients();
        long commitInterval = stack.settings().commitIntervalMs();
        String label = String.format(Locale.ROOT, "%s %.0f/s c%d ci%d", op, rate, clients, commitInterval);
        System.out.println("edge " + label);
        Tally tally = new Tally();
        Load.Operation operation = switch (op) {
            case "allocate" -> allocate(pools.warmOrders(), pools.measuredOrders(), tally);
            case "confirm" -> confirm(pools.warmRequests(), pools.measuredRequests(), tally);
            case "crux" -> crux(pools.warmRequests(), pools.measuredRequests(), tally);
            case "query" -> query(List.copyOf(placed), clients, tally);
            case "adjust" -> adjust(tally);
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
        long limit = usesOrders(op) ? pools.measuredOrders().size() : Long.MAX_VALUE;
        Duration cpuBefore = stack.engineCpu();
        Load.Outcome outcome;
        Map<String, Object> background;
        try (BackgroundOrders orders = BackgroundOrders.start(platform, "bg" + (++backgroundRuns) + "-", CHANNEL,
                o.backgroundOrders())) {
            outcome = Load.run(label, clients, rate, o.warmup(), o.duration(), limit, operation);
            background = orders.stop();
        }
        Duration cpuAfter = stack.engineCpu();
        if (outcome.errors() > 0) {
            Exception first = outcome.firstError();
            throw new IllegalStateException(label + ": " + outcome.errors() + " request(s) failed; the first: "
                + (first == null ? "?" : first.getMessage()), first);
        }
        var m = outcome.measurement();
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("op", op);
        tags.put("clients", clients);
        tags.put("commit_interval_ms", commitInterval);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("commit_interval_ms", commitInterval);
        extra.put("ops_ok", m.measuredCompleted());
        extra.put("errors", outcome.errors());
        extra.put("statuses", tally.snapshot());
        if (cpuBefore != null && cpuAfter != null) {
            long cpuMs = cpuAfter.minus(cpuBefore).toMillis();
            long ops = m.measuredCompleted() + m.warmupCompleted();
            extra.put("engine_cpu_ms", cpuMs);
            extra.put("engine_cpu_us_per_op", ops == 0 ? 0 : Math.round(cpuMs * 1000.0 / ops));
        }
        EngineUsage.putThreadTimes(stack, extra);
        long rss = stack.engineRssBytes();
        if (rss > 0) {
            extra.put("engine_rss_mb", rss / (1024 * 1024));
        }
        extra.put("orders_on_engine", placed.size());
        extra.putAll(background);
        extra.putAll(checkStock());
        return RunResult.of(label, tags, rate, m, extra);
    }

    // ---------------------------------------------------------------- the measured operations

    private Load.Operation allocate(List<Placed> warm, List<Placed> measured, Tally tally) {
        return (client, isWarm, index) -> {
            Placed order = (isWarm ? warm : measured).get(Math.toIntExact(index));
            Reply r = platformClients[client].post("/orders/" + order.orderId() + "/allocations",
                allocateBodies.get(order.sku()), key());
            if (!isWarm) {
                tally.count("allocate " + r.status());
            }
            if (r.status() != 201) {
                throw new UnexpectedReply("allocate order " + order.orderId(), r);
            }
            allocatedAtWarehouse.incrementAndGet();
        };
    }

    private Load.Operation confirm(List<Request> warm, List<Request> measured, Tally tally) {
        return (client, isWarm, index) -> {
            Request rq = (isWarm ? warm : measured).get(Math.toIntExact(index));
            boolean reject = index % REJECT_EVERY == REJECT_EVERY - 1;
            String verb = reject ? "reject" : "confirm";
            String path = "/allocation-requests/" + rq.requestId() + "/" + verb;
            Reply r = supplierClients[client].post(path, reject ? rejectBody : null, key());
            if (!isWarm) {
                tally.count(verb + " " + r.status());
            }
            if (r.status() != 200) {
                throw new UnexpectedReply(verb + " request " + rq.requestId(), r);
            }
            if (!EdgeRequests.requestIs(r.body(), reject ? "rejected" : "confirmed")) {
                throw new UnexpectedReply(verb + " request " + rq.requestId() + " answered 200 without the request "
                    + (reject ? "rejected" : "confirmed"), r);
            }
            if (reject) {
                requestsRejected.incrementAndGet();
            }
        };
    }

    private Load.Operation crux(List<Request> warm, List<Request> measured, Tally tally) {
        return (client, isWarm, index) -> {
            Request rq = (isWarm ? warm : measured).get(Math.toIntExact(index));
            Reply r = supplierClients[client].put("/orders/allocation/" + rq.order().orderId() + "/", cruxBody, key());
            if (!isWarm) {
                tally.count("crux " + r.status());
            }
            if (r.status() != 200 || !EdgeRequests.cruxLineIs(r.body(), LINE, "Allocated")) {
                throw new UnexpectedReply("crux answer for order " + rq.order().orderId(), r);
            }
        };
    }

    /** A measured command's Idempotency-Key with {@code --keyed}, one of its own; null (none sent) without. */
    private String key() {
        return o.keyed() ? "bench-" + keysGiven.incrementAndGet() : null;
    }

    private Load.Operation query(List<Placed> orders, int clients, Tally tally) {
        SplittableRandom[] randoms = new SplittableRandom[clients];
        for (int i = 0; i < clients; i++) {
            randoms[i] = new SplittableRandom(7000 + i);
        }
        return (client, isWarm, index) -> {
            Placed order = orders.get(randoms[client].nextInt(orders.size()));
            Reply r = platformClients[client].get("/orders/" + order.orderId());
            if (!isWarm) {
                tally.count("query " + r.status());
            }
            if (r.status() != 200) {
                throw new UnexpectedReply("GET order " + order.orderId(), r);
            }
        };
    }

    private Load.Operation adjust(Tally tally) {
        return (client, isWarm, index) -> {
            String sku = sku(Math.toIntExact(index % SKUS));
            Reply r = platformClients[client].post("/stock/adjustments", adjustBodies.get(sku), key());
            if (!isWarm) {
                tally.count("adjust " + r.status());
            }
            if (r.status() != 200) {
                throw new UnexpectedReply("adjust " + sku + " at " + WAREHOUSE, r);
            }
            adjustedAtWarehouse.incrementAndGet();
        };
    }

    /**
     * The check after each run: the units the engine shows allocated at L1 and at the supplier, summed over the SKUs,
     * are what the answers so far say: every 201 at L1 one unit, every request at the supplier one unit less the
     * rejected ones; and L1's physical units are the set-up's and one per adjustment answered 200. A mismatch fails
     * the scenario.
     */
    private Map<String, Object> checkStock() throws Exception {
        long expectL1 = allocatedAtWarehouse.get();
        long expectSupplier = requestsMade.get() - requestsRejected.get();
        long expectPhysical = (long) PHYSICAL * SKUS + adjustedAtWarehouse.get();
        long[] seen = new long[3];
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            seen[0] = 0;
            seen[1] = 0;
            seen[2] = 0;
            for (int s = 0; s < SKUS; s++) {
                var r = stack.get("/stock/" + Platform.sku(s));
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("GET /stock/" + Platform.sku(s) + ": HTTP " + r.statusCode() + " " + r.body());
                }
                seen[0] += EdgeRequests.allocatedAt(r.body(), WAREHOUSE);
                seen[1] += EdgeRequests.allocatedAt(r.body(), SUPPLIER);
                seen[2] += EdgeRequests.physicalAt(r.body(), WAREHOUSE);
            }
            if (seen[0] == expectL1 && seen[1] == expectSupplier && seen[2] == expectPhysical) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine's stock disagrees with its answers: allocated at " + WAREHOUSE + " "
                    + seen[0] + " (answers: " + expectL1 + "), at " + SUPPLIER + " " + seen[1] + " (answers: " + expectSupplier
                    + "), physical at " + WAREHOUSE + " " + seen[2] + " (set-up and adjustments: " + expectPhysical + ")");
            }
            Thread.sleep(100);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stock_check", "allocated at " + WAREHOUSE + " " + seen[0] + ", at " + SUPPLIER + " " + seen[1] + ", physical at "
            + WAREHOUSE + " " + seen[2] + ": as answered");
        return m;
    }

    // ---------------------------------------------------------------- preparing

    /** Places {@code n} one-line orders on {@link #CHANNEL} over Kafka; returns once every line is reserved. */
    private List<Placed> placeOrders(int n) throws Exception {
        int batch = ++batches;
        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>(n);
        List<Future<RecordMetadata>> sends = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String orderId = "b" + batch + "-" + i;
            ids.add(orderId);
            sends.add(platform.place(eventId(orderId), orderId, CHANNEL, List.of(new OrderLine(LINE, sku(i), 1))));
        }
        platform.flushOrders();
        List<Placed> batchOrders = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RecordMetadata md = sends.get(i).get();
            batchOrders.add(new Placed(ids.get(i), LINE, sku(i), md.partition(), md.offset()));
        }
        long t1 = System.nanoTime();
        List<Placed> proofs = EdgeRequests.lastPerPartitionAndSku(batchOrders);
        // the order's reservation; its line reaches the SKU's partition one hop later, and every command route waits for it
        awaitAll("orders reserved", proofs, n, (p, s, order) -> p.get("/orders/" + order.orderId()).status() == 200);
        double reserved = (System.nanoTime() - t1) / 1e9;
        // and every SKU's task has taken the lines behind them: a measured command would otherwise queue behind them
        double drained = EngineLag.awaitCaughtUp(stack.kafkaClient(), stack.applicationId(), SETUP_BOUND.plusMillis(5L * n));
        System.out.printf(Locale.ROOT, "edge:   %,d orders published in %.1f s, reserved %.1f s later, every line taken"
            + " by its SKU's task %.1f s after that%n", n, (t1 - t0) / 1e9, reserved, drained);
        placed.addAll(batchOrders);
        return batchOrders;
    }

    static String eventId(String orderId) {
        return "ev-" + orderId;
    }

    static String sku(int i) {
        return Platform.sku(i % SKUS);
    }

    /** Allocates each order's line at the supplier over HTTP (set-up, not measured); returns once every request is visible. */
    private List<Request> requestsAtSupplier(List<Placed> orders) throws Exception {
        String[] keys = new String[orders.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "k-" + orders.get(i).orderId();
        }
        long t0 = System.nanoTime();
        Request[] made = new Request[orders.size()];
        List<Integer> all = IntStream.range(0, orders.size()).boxed().toList();
        awaitAll("allocations at " + SUPPLIER, all, all.size(), (p, s, i) -> {
            Placed order = orders.get(i);
            Reply r = p.post("/orders/" + order.orderId() + "/allocations",
                EdgeRequests.veeqoAllocation(SUPPLIER, order.sku(), 1), keys[i]);
            if (r.status() == 202) {
                return false;   // accepted, not decided within the edge's wait (a busy engine): asked again with the same key
            }
            if (r.status() != 201) {
                throw new UnexpectedReply("set-up: allocating order " + order.orderId() + " at " + SUPPLIER, r);
            }
            String id = EdgeRequests.allocationIdOf(r.body());
            if (!requestIds.add(id)) {
                throw new IllegalStateException("set-up: the edge gave request id " + id + " twice (order " + order.orderId()
                    + "): its answers would reach the wrong order");
            }
            made[i] = new Request(id, order);
            requestsMade.incrementAndGet();
            return true;
        });
        long t1 = System.nanoTime();
        List<Request> requests = List.of(made);
        awaitAll("allocation requests visible", requests, requests.size(),
            (p, s, rq) -> s.get("/allocation-requests/" + rq.requestId()).status() == 200);
        System.out.printf(Locale.ROOT, "edge:   %,d allocations at %s in %.1f s, all requests visible %.1f s later%n",
            requests.size(), SUPPLIER, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
        return requests;
    }

    /** A set-up step on one item with a platform's and a supplier's client; true when done. */
    interface Step<T> {
        boolean run(EdgeClient platform, EdgeClient supplier, T item) throws Exception;
    }

    /**
     * Runs {@code step} until it holds for every item (again for those where it did not, 50 ms later), within
     * {@link #SETUP_BOUND} and 5 ms more per item of the whole set-up ({@code scale}).
     */
    private <T> void awaitAll(String what, List<T> items, int scale, Step<T> step) throws Exception {
        Duration bound = SETUP_BOUND.plusMillis(5L * scale);
        long deadline = System.nanoTime() + bound.toNanos();
        long nextReport = System.nanoTime() + 10_000_000_000L;
        List<T> pending = items;
        while (!(pending = inParallel(what, pending, step)).isEmpty()) {
            if (System.nanoTime() > nextReport) {
                System.out.printf(Locale.ROOT, "edge:   %s: %,d of %,d still waited for%n", what, pending.size(), items.size());
                nextReport += 10_000_000_000L;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("set-up: " + what + ": " + pending.size() + " of " + items.size()
                    + " still not after " + bound.toSeconds() + " s, e.g. " + pending.get(0) + "; engine log: " + stack.engineLog());
            }
            Thread.sleep(50);
        }
    }

    /** Runs {@code step} on every item over {@link #SETUP_CLIENTS} clients; the items it did not complete. */
    private <T> List<T> inParallel(String what, List<T> items, Step<T> step) throws Exception {
        int threads = Math.min(SETUP_CLIENTS, items.size());
        List<T> notDone = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int client = t;
            Thread thread = new Thread(() -> {
                for (int i = client; i < items.size() && failure.get() == null; i += threads) {
                    try {
                        if (!step.run(setupPlatform[client], setupSupplier[client], items.get(i))) {
                            notDone.add(items.get(i));
                        }
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }, "edge-setup-" + t);
            started.add(thread);
            thread.start();
        }
        for (Thread thread : started) {
            while (thread.isAlive()) {
                thread.join(10_000);
                if (thread.isAlive()) {
                    System.out.printf(Locale.ROOT, "edge:   %s: %,d of %,d%n", what, done.get(), items.size());
                }
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return notDone;
    }
}
