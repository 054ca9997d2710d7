package dev.allotment.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Load;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.RunResult;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's read side at scale (issue 7, <em>queries</em>): load {@code --orders-loaded} orders, then run each
 * query kind on its own at fixed offered rates, as an analyst's tool would call the HTTP edge (analyst key, HTTP/1.1
 * keep-alive, one connection per client). Single-key lookups and pages bounded by their cursor run at {@code --rate}
 * and {@code --list-rate}; the two kinds whose cost grows with the data (they scan) run closed loop with one client,
 * the only rate they can be offered honestly. Any non-2xx answer fails the scenario.
 */
public final class QueriesScenario {
    /** How a kind's cost grows: one key, one bounded page, or a scan of everything. */
    enum Shape { KEY, PAGE, SCAN }

    /** A path drawn for one query. */
    interface PathMaker {
        String path(SplittableRandom random);
    }

    /** One kind of query: its name (the run's {@code query} tag), how its cost grows, what it calls, how it draws a path. */
    record Kind(String name, Shape shape, String route, PathMaker paths) {}

    static final int PAGE_LIMIT = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private QueriesScenario() {}

    /** Every kind, for {@code loaded} orders over {@code skus} SKUs. */
    static List<Kind> kinds(long loaded, int skus) {
        return List.of(
            new Kind("order", Shape.KEY, "GET /orders/{id}",
                r -> "/orders/" + OrderMix.orderId(r.nextLong(loaded))),
            new Kind("stock", Shape.KEY, "GET /stock/{sku}",
                r -> "/stock/" + Platform.sku(r.nextInt(skus))),
            new Kind("reservations", Shape.PAGE, "GET /reservations?limit=20&cursor={random order}",
                r -> "/reservations?limit=" + PAGE_LIMIT + "&cursor=" + cursor(OrderMix.orderId(r.nextLong(loaded)))),
            new Kind("allocations-location", Shape.PAGE, "GET /allocations?location_id=L2&limit=20&cursor={random order}",
                r -> "/allocations?location_id=L2&limit=" + PAGE_LIMIT + "&cursor=" + cursor(OrderMix.orderId(r.nextLong(loaded)))),
            new Kind("stock-location", Shape.SCAN, "GET /stock?location_id=L1&limit=20&cursor={random SKU}",
                r -> "/stock?location_id=L1&limit=" + PAGE_LIMIT + "&cursor=" + cursor(Platform.sku(r.nextInt(skus)))),
            new Kind("allocations-order", Shape.SCAN, "GET /allocations?order_id={random order}",
                r -> "/allocations?order_id=" + OrderMix.orderId(r.nextLong(loaded))),
            // the history's events are read from the decision log at the positions the history store keeps: a few
            // fetches of the order's partition, at the list rates
            new Kind("events", Shape.PAGE, "GET /orders/{id}/events",
                r -> "/orders/" + OrderMix.orderId(r.nextLong(loaded)) + "/events"));
    }

    /** The kinds named by {@code --queries} (all when null), in the order given. */
    static List<Kind> selected(List<String> names, long loaded, int skus) {
        List<Kind> all = kinds(loaded, skus);
        if (names == null) {
            return all;
        }
        List<Kind> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(all.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown query kind " + name + " (" + String.join(", ", all.stream().map(Kind::name).toList()) + ")")));
        }
        return chosen;
    }

    /** The engine's opaque forward cursor for a key (services' PageCursor: "a:" + key, base64url without padding). */
    static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("a:" + key).getBytes(StandardCharsets.UTF_8));
    }

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        long loaded = o.ordersLoaded();
        List<Kind> kinds = selected(o.queries(), loaded, o.skus());
        EngineStack.Settings settings = new EngineStack.Settings(o.commitIntervalMs(), o.threads(), "1g", o.engineConfig(), o.jfr());
        List<RunResult> runs = new ArrayList<>();
        Map<String, Object> params = o.asParameters();
        try (EngineStack stack = EngineStack.start(o.bootstrap(), o.bootstrapGiven(), settings);
             Platform platform = new Platform(stack)) {
            OrderMix mix = new OrderMix(o.skus(), o.zipf(), 7);
            OrderLoader.Loaded load = OrderLoader.load(stack, platform, mix, loaded);
            runs.add(load.run());
            if (o.instances() == 2) {   // after the load: the second takes half the partitions, and every query goes to it
                Duration joined = stack.startPeer(Duration.ofSeconds(300));
                System.out.printf(Locale.ROOT, "queries: a second instance joined in %.1f s; every query goes to it%n",
                    joined.toMillis() / 1000.0);
                params.put("instances", "2 (one application id; the second joins after the load and every measured query is "
                    + "sent to it: a key on the first's partitions is forwarded there, a list gathers from both)");
            }
            double idle = idleCores(stack, o.smoke() ? Duration.ofSeconds(2) : Duration.ofSeconds(5));
            params.put("engine_idle_cpu_cores", Math.round(idle * 1000) / 1000.0);
            List<AnalystClient> http = new ArrayList<>();   // one keep-alive connection per client, across the runs
            for (Kind kind : kinds) {
                Map<String, Object> probe = probe(stack, kind);
                List<Integer> clients = kind.shape() == Shape.SCAN ? List.of(1) : o.clients("16", "4");
                List<Double> rates = switch (kind.shape()) {
                    case KEY -> o.rates("1000,2500,5000", "200,500");
                    case PAGE -> o.listRates();
                    case SCAN -> List.of(0.0);
                };
                for (int c : clients) {
                    for (double rate : rates) {
                        while (http.size() < c) {
                            http.add(new AnalystClient(stack.peerBase(), Duration.ofMinutes(5)));
                        }
                        runs.add(runOnce(stack, http, kind, c, rate, o, probe, idle));
                    }
                }
            }
            params.putAll(stack.describe());
            params.put("orders_loaded", loaded);
            params.put("lines_loaded", load.lines());
            params.put("skus", o.skus());
            params.put("zipf", o.zipf());
            params.put("warehouses", OrderMix.WAREHOUSES + " (SKU i stocked at L(1 + i mod 4) only)");
            params.put("http", "java.net.http.HttpClient, HTTP/1.1 keep-alive, one connection per client, analyst key");
        }
        List<RunResult> queries = runs.subList(1, runs.size());
        return new BenchResult("queries", "requests", started, params, Machine.describe(), BenchResult.bestRate(queries), runs,
            notes(runs, loaded));
    }

    /** One call before the runs: the kind answers 2xx here, and how many items a page of it holds. */
    static Map<String, Object> probe(EngineStack stack, Kind kind) throws Exception {
        AnalystClient client = new AnalystClient(stack.peerBase(), Duration.ofMinutes(5));
        String path = kind.paths().path(new SplittableRandom(1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.get(path);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() / 100 != 2) {
            throw new AnalystClient.Refused(path, r.statusCode(), r.body());
        }
        Map<String, Object> probe = new LinkedHashMap<>();
        JsonNode body = JSON.readTree(r.body());
        if (body.has("data")) {
            probe.put("items_per_answer", body.get("data").size());
        }
        probe.put("probe_ms", Math.round(ms * 10) / 10.0);
        return probe;
    }

    private static RunResult runOnce(EngineStack stack, List<AnalystClient> http, Kind kind, int clients, double rate, Options o,
                                     Map<String, Object> probe, double idleCores) throws Exception {
        String label = String.format(Locale.ROOT, "%s %s c%d", kind.name(), rate == 0 ? "max" : String.format(Locale.ROOT, "%.0f/s", rate), clients);
        System.out.println("queries " + label + ": " + kind.route());
        List<SplittableRandom> randoms = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            randoms.add(new SplittableRandom(1000L * (c + 1) + Math.round(rate)));
        }
        LongAdder bytes = new LongAdder();
        LongAdder answers = new LongAdder();
        Duration cpuBefore = stack.engineCpu();
        long wallBefore = System.nanoTime();
        Load.Outcome outcome = Load.run(label, clients, rate, o.warmup(), o.duration(), Long.MAX_VALUE, (client, warmup, index) -> {
            String path = kind.paths().path(randoms.get(client));
            HttpResponse<byte[]> r = http.get(client).getBytes(path);
            if (r.statusCode() / 100 != 2) {
                throw new AnalystClient.Refused(path, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            }
            bytes.add(r.body().length);
            answers.increment();
        });
        Duration cpuAfter = stack.engineCpu();
        long wall = System.nanoTime() - wallBefore;
        if (outcome.errors() > 0) {
            throw new IllegalStateException(label + ": " + outcome.errors() + " queries failed; the first: "
                + outcome.firstError().getMessage() + " (engine log: " + stack.engineLog() + ")", outcome.firstError());
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("query", kind.name());
        tags.put("clients", clients);
        tags.put("baseline", "none");
        Map<String, Object> extra = new LinkedHashMap<>(probe);
        long n = answers.sum();
        if (n > 0) {
            extra.put("mean_bytes", bytes.sum() / n);
            if (cpuBefore != null && cpuAfter != null) {
                extra.put("engine_cpu_us_per_query", cpuPerQueryMicros(cpuAfter.minus(cpuBefore).toNanos(), wall, idleCores, n));
            }
        }
        return RunResult.of(label, tags, rate == 0 ? null : rate, outcome.measurement(), extra);
    }

    /** The engine's CPU time per second while nothing is asked of it (poll loops, punctuators, compactions): in cores. */
    static double idleCores(EngineStack stack, Duration over) {
        Duration before = stack.engineCpu();
        long t0 = System.nanoTime();
        LockSupport.parkNanos(over.toNanos());
        Duration after = stack.engineCpu();
        return before == null || after == null ? 0 : after.minus(before).toNanos() / (double) (System.nanoTime() - t0);
    }

    /**
     * The engine's CPU time per answer, net of what it spends idle: (CPU over the run − idle cores × the run's wall time)
     * / answers, warm-up and measured answers together, in microseconds (never below 0).
     */
    static long cpuPerQueryMicros(long cpuNanos, long wallNanos, double idleCores, long answers) {
        return Math.max(0, Math.round((cpuNanos - idleCores * wallNanos) / 1e3 / answers));
    }

    /** The single-key reads the target judges, with the path each names. */
    private static final List<Map.Entry<String, String>> SINGLE_KEY =
        List.of(Map.entry("order", "GET /orders/{id}"), Map.entry("stock", "GET /stock/{sku}"));

    /**
     * The target (single-key query p99 ≤ 5 ms at 5,000 requests/s) judged for each single-key read measured at that
     * rate: met where the p99 is within 5 ms and at least 4,900 requests/s were carried. Empty when none was.
     */
    static Optional<String> targetNote(List<RunResult> runs) {
        List<String> judged = new ArrayList<>();
        SINGLE_KEY.forEach(read -> runs.stream()
            .filter(r -> read.getKey().equals(r.tags().get("query")) && r.offeredRate() != null && r.offeredRate() == 5000)
            .findFirst().ifPresent(r -> judged.add(String.format(Locale.ROOT, "`%s` p99 %.2f ms at %,.0f requests/s achieved (%s)",
                read.getValue(), r.latency().p99(), r.achievedRate(), r.latency().p99() <= 5 && r.achievedRate() >= 4900 ? "met" : "not met"))));
        return judged.isEmpty() ? Optional.empty()
            : Optional.of("Target: single-key query p99 ≤ 5 ms at 5,000 requests/s. Here: " + String.join("; ", judged) + ".");
    }

    static List<String> notes(List<RunResult> runs, long loaded) {
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "The engine first takes %,d orders as a platform publishes them (Avro over Kafka), "
            + "as fast as it decides them; the `load` row is that phase: lines decided per second, and each line's time from "
            + "the order's send to its decision on the log (read_committed) under full load. `folded_s` is when the last order "
            + "of every partition showed its allocation in `GET /orders/{id}` (one hop after the decision).", loaded));
        notes.add("Each query kind is its own run (tag `query`): `order` = `GET /orders/{id}` and `stock` = `GET /stock/{sku}` "
            + "for uniformly random loaded ids and SKUs; `reservations` and `allocations-location` (`location_id=L2`) = a page of "
            + PAGE_LIMIT + " from a random order's cursor; `stock-location` = `GET /stock?location_id=L1&limit=20` from a random "
            + "SKU's cursor; `allocations-order` = `GET /allocations?order_id={random order}`; `events` = `GET /orders/{id}/events` "
            + "for random loaded orders, read from the decision log at the positions the order's history keeps, at the list "
            + "rates. Latency runs from each query's "
            + "intended start (fixed rate) and includes queueing behind slow answers.");
        notes.add("`stock-location` and `allocations-order` scan, so they run closed loop with one client (their latency is "
            + "their service time, their rate the most they sustain): `GET /stock` loads and sorts every SKU's stock on every "
            + "call (`EngineState.stock()` in streams/…/state/LocalEngineState.java, called from http/StockController.java), O(SKUs) "
            + "whatever the page; `GET /allocations?order_id=` pages through every order in id order, 100 at a time, and keeps "
            + "going to the end to decide whether there is a next page (http/EnvoyAllocationController.java:191-193): O(orders) "
            + "per call. A location filter scans the same way until it has a page, so a location holding few allocations "
            + "costs a scan too; L2 holds about a quarter of them here.");
        notes.add("`GET /allocation-requests` is not measured: the load has only DIRECT warehouses, so there are no requests. "
            + "Its cost is every request of the instance read and sorted on every page (`EngineState.requests()` in streams/…/state/LocalEngineState.java), "
            + "O(requests · log requests) per call once suppliers with CONFIRM mode take a share of the orders.");
        notes.add("`engine_cpu_us_per_query` is the engine process's CPU time (user + system) over the run's warm-up and measured "
            + "window, less what it spends idle (`engine_idle_cpu_cores`, measured over a few quiet seconds after the load) over "
            + "the same time, divided by the answers: what one query costs the engine, whatever else shares the machine. In runs of a few "
            + "seconds it also carries the JIT compiling the query's path.");
        targetNote(runs).ifPresent(notes::add);
        if (runs.stream().anyMatch(r -> r.extra().containsKey("warmup_overrun_ms"))) {
            notes.add("`warmup_overrun_ms`: the run's warm-up did not carry the offered rate (a cold path, JIT compiling on cores "
                + "the load shares) and its last query completed this long after the warm-up's time; the measured window "
                + "started then, on a schedule of its own, so its figures are of the engine warm.");
        }
        notes.add("Broker, registry, engine and load generator share this machine's cores; the engine runs as shipped "
            + "(`-Xmx1g`, one stream thread, RocksDB bounded to 256 MiB).");
        return notes;
    }
}
