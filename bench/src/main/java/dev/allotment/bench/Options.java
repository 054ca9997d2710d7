package dev.allotment.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The runner's command line: {@code <scenario> [--option value | --flag]...}. Every option has a default that runs
 * on a laptop; {@code --smoke} shrinks the defaults to a run of a few seconds (options given explicitly still win).
 */
public final class Options {
    static final Set<String> FLAGS = Set.of("smoke", "keyed");
    static final Map<String, String> HELP = new java.util.LinkedHashMap<>();

    static {
        HELP.put("duration", "measured time per run, e.g. 60s, 2m (default 60s; smoke 3s)");
        HELP.put("warmup", "warm-up before each measured run (default 10s; smoke 1s)");
        HELP.put("rate", "offered rates, comma-separated; 'max' = unthrottled (default per scenario)");
        HELP.put("clients", "concurrent clients, comma-separated (PostgreSQL and flash-sale: default 8,32, smoke 8; edge: HTTP connections, default 32, smoke 8; queries: default 16, smoke 4)");
        HELP.put("smoke", "a run of a few seconds with small sizes, for CI");
        HELP.put("bootstrap", "Kafka bootstrap servers (default 127.0.0.1:9092; a local broker is started if none answers)");
        HELP.put("out", "where the report goes (default docs/benchmarks; smoke: target/bench-smoke)");
        HELP.put("record-size", "bytes per record (default 120, about one Avro-encoded order line event)");
        HELP.put("records", "records of the unthrottled raw Kafka run (default 2000000; smoke 50000)");
        HELP.put("lines", "lines of the unthrottled Streams and steady runs (default 1000000; smoke: Streams 20000, steady 5000)");
        HELP.put("partitions", "partitions of every topic (default 4, as the engine)");
        HELP.put("commit-interval", "Kafka Streams commit.interval.ms (default 50); steady, flash-sale and edge take a comma list, one engine each");
        HELP.put("threads", "Kafka Streams num.stream.threads (default 1)");
        HELP.put("orders", "orders of a flash sale; stock is a tenth of them (PostgreSQL: default 100000, smoke 3000; "
            + "engine: default 200000, smoke 5000)");
        HELP.put("shards", "flash-sale: split each sale's SKU into this many shards (allotment.shards; 1-64, default 1 = whole)");
        HELP.put("locations", "warehouses holding the engine flash sale's stock, split evenly (1-4; default 4)");
        HELP.put("jfr", "steady, flash-sale, edge, queries: record the engine with Java Flight Recorder into this file (one per commit interval)");
        HELP.put("instances", "edge, queries: engine instances, 1 or 2 (default 1); with 2, the second joins after the set-up (queries: the load) and "
            + "every measured request goes to it, so about half are forwarded to the first");
        HELP.put("engine-config", "engine scenarios: engine settings for every run, KEY=VALUE separated by spaces (each passed "
            + "as -DKEY=VALUE, e.g. allotment.streams.config.default.interactive.query.isolation.level=READ_COMMITTED)");
        HELP.put("engine-jvm", "engine scenarios: JVM options for the engine, separated by spaces (e.g. -XX:MaxGCPauseMillis=10; "
            + "a collector named here, such as -XX:+UseZGC, replaces the shipped G1)");
        HELP.put("shape", "PostgreSQL shapes: flash-sale,steady (default both)");
        HELP.put("commit", "PostgreSQL commit modes: durable,async (async = synchronous_commit=off; default both)");
        HELP.put("skus", "SKUs of the steady shape and the steady scenario (default 10000; smoke steady 500)");
        HELP.put("zipf", "Zipf exponent of SKU popularity (default 1.0)");
        HELP.put("ops", "edge: operations, comma-separated: allocate,confirm,crux,query,adjust (default all five)");
        HELP.put("allocate-rate", "edge: offered rates of manual allocations (default 250,500,1000; smoke 50); --rate overrides");
        HELP.put("answer-rate", "edge: offered rates of supplier answers, confirm and crux (default 250,500; smoke 50); --rate overrides");
        HELP.put("background-orders", "edge: orders a second a platform places meanwhile, one line each on the runs' SKUs, "
            + "so that the engine's own transactions write to the partitions the commands go to (default 0: none)");
        HELP.put("keyed", "edge: every command carries an Idempotency-Key of its own, as a client that retries safely "
            + "sends, and the edge records each answer under it (default: no key)");
        HELP.put("stock-rate", "edge: offered rates of stock adjustments, POST /stock/adjustments (default 250,1000; smoke 50); "
            + "--rate overrides");
        HELP.put("query-rate", "edge: offered rates of GET /orders/{id} (default 1000,2500,5000; smoke 100); --rate overrides");
        HELP.put("orders-loaded", "orders loaded before the queries / restore scenarios measure (default 1000000; smoke 20000)");
        HELP.put("queries", "query kinds of the queries scenario, comma-separated (default all: order,stock,reservations,"
            + "allocations-location,stock-location,allocations-order,events)");
        HELP.put("list-rate", "offered rates of the paged list queries and of an order's history, GET /orders/{id}/events "
            + "(queries scenario; default 250,1000; smoke 100)");
        HELP.put("restart", "restore: fresh (stop the engine, start a new instance on an empty state directory; the default) or "
            + "kill (SIGKILL the engine, start it again on its own state directory and port, as a supervisor restarts a crashed one)");
        HELP.put("sample", "orders compared before and after a restore (default 400; smoke 60)");
        HELP.put("pg-bin", "directory holding initdb and pg_ctl (default: found under /usr/local/bin, /usr/lib/postgresql/*/bin)");
    }

    private final String scenario;
    private final Map<String, String> values;

    private Options(String scenario, Map<String, String> values) {
        this.scenario = scenario;
        this.values = values;
    }

    public static Options parse(String... args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("the first argument is the scenario");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected an option at '" + arg + "'");
            }
            String key = arg.substring(2);
            String inline = null;
            if (key.contains("=")) {
                inline = key.substring(key.indexOf('=') + 1);
                key = key.substring(0, key.indexOf('='));
            }
            if (!HELP.containsKey(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            if (FLAGS.contains(key)) {
                values.put(key, "true");
            } else if (inline != null) {
                values.put(key, inline);
            } else if (i + 1 < args.length) {
                values.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return new Options(args[0], values);
    }

    public String scenario() {
        return scenario;
    }

    public boolean smoke() {
        return values.containsKey("smoke");
    }

    public Duration duration() {
        return duration("duration", smoke() ? "3s" : "60s");
    }

    public Duration warmup() {
        return duration("warmup", smoke() ? "1s" : "10s");
    }

    /** Offered rates; 0 stands for unthrottled ("max"). */
    public List<Double> rates(String fullDefault, String smokeDefault) {
        List<Double> rates = new ArrayList<>();
        for (String r : list("rate", smoke() ? smokeDefault : fullDefault)) {
            rates.add(r.equalsIgnoreCase("max") ? 0.0 : Double.parseDouble(r));
        }
        return rates;
    }

    public List<Integer> clients() {
        return clients("8,32", "8");
    }

    /** Concurrent clients, with a scenario's own defaults. */
    public List<Integer> clients(String fullDefault, String smokeDefault) {
        return list("clients", smoke() ? smokeDefault : fullDefault).stream().map(Integer::parseInt).toList();
    }

    /** Offered rates of one kind of operation ({@code option}), unless --rate gives the rates of every kind. */
    public List<Double> rates(String option, String fullDefault, String smokeDefault) {
        if (values.containsKey("rate")) {
            return rates(fullDefault, smokeDefault);
        }
        List<Double> rates = new ArrayList<>();
        for (String r : list(option, smoke() ? smokeDefault : fullDefault)) {
            rates.add(r.equalsIgnoreCase("max") ? 0.0 : Double.parseDouble(r));
        }
        return rates;
    }

    public String bootstrap() {
        return values.getOrDefault("bootstrap", "127.0.0.1:9092");
    }

    public boolean bootstrapGiven() {
        return values.containsKey("bootstrap");
    }

    public Path out() {
        return Path.of(values.getOrDefault("out", smoke() ? "target/bench-smoke" : "docs/benchmarks"));
    }

    public int recordSize() {
        return integer("record-size", "120");
    }

    public long records() {
        return Long.parseLong(values.getOrDefault("records", smoke() ? "50000" : "2000000"));
    }

    public long lines() {
        return lines("1000000", "20000");
    }

    /** Lines of an unthrottled run, with the scenario's own defaults. */
    public long lines(String fullDefault, String smokeDefault) {
        return Long.parseLong(values.getOrDefault("lines", smoke() ? smokeDefault : fullDefault));
    }

    public int partitions() {
        return integer("partitions", "4");
    }

    public long commitIntervalMs() {
        return Long.parseLong(values.getOrDefault("commit-interval", "50"));
    }

    /** The commit intervals to sweep (ms), one engine each. */
    public List<Long> commitIntervals() {
        return list("commit-interval", "50").stream().map(Long::parseLong).toList();
    }

    /** The operations a scenario runs (edge: allocate, confirm, crux, query). */
    public List<String> ops(String dflt) {
        return list("ops", dflt);
    }

    public int threads() {
        return integer("threads", "1");
    }

    public long orders() {
        return orders("100000", "3000");
    }

    /** Orders of a flash sale, with the scenario's own defaults. */
    public long orders(String fullDefault, String smokeDefault) {
        return Long.parseLong(values.getOrDefault("orders", smoke() ? smokeDefault : fullDefault));
    }

    /** How many of the warehouses L1…L4 hold the flash sale's stock. */
    public int locations() {
        int n = integer("locations", "4");
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("--locations must be 1 to 4, was " + n);
        }
        return n;
    }

    /** {@code --shards}: how many shards the flash sale's SKU is split into (1: not split). */
    public int shards() {
        int n = integer("shards", "1");
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("--shards must be 1 to 64, was " + n);
        }
        return n;
    }

    /** {@code --instances}: 1, or 2 for the edge's two-instance run. */
    public int instances() {
        String given = values.getOrDefault("instances", "1");
        if (!given.equals("1") && !given.equals("2")) {
            throw new IllegalArgumentException("--instances must be 1 or 2, was " + given);
        }
        return Integer.parseInt(given);
    }

    /**
     * {@code --engine-config}'s settings as the engine's JVM options ({@code -DKEY=VALUE}), then {@code --engine-jvm}'s
     * options as given; none by default.
     */
    public List<String> engineConfig() {
        String given = values.get("engine-config");
        List<String> options = new ArrayList<>();
        if (given != null) {
            for (String setting : given.trim().split("\\s+")) {
                if (!setting.contains("=") || setting.startsWith("=")) {
                    throw new IllegalArgumentException("--engine-config takes KEY=VALUE settings, was " + setting);
                }
                options.add("-D" + setting);
            }
        }
        options.addAll(engineJvm());
        return options;
    }

    /** {@code --engine-jvm}'s options, passed to the engine's JVM as given; none by default. */
    public List<String> engineJvm() {
        String given = values.get("engine-jvm");
        List<String> options = new ArrayList<>();
        if (given != null) {
            for (String option : given.trim().split("\\s+")) {
                if (!option.startsWith("-")) {
                    throw new IllegalArgumentException("--engine-jvm takes JVM options (each starting with '-'), was " + option);
                }
                options.add(option);
            }
        }
        return options;
    }

    /** {@code --background-orders}: orders a second placed while each edge run measures; 0 (the default) for none. */
    public double backgroundOrders() {
        double given = Double.parseDouble(values.getOrDefault("background-orders", "0"));
        if (given < 0 || Double.isNaN(given)) {
            throw new IllegalArgumentException("--background-orders must be 0 or more, was " + given);
        }
        return given;
    }

    /** {@code --keyed}: the edge's commands each carry an Idempotency-Key of their own. */
    public boolean keyed() {
        return values.containsKey("keyed");
    }

    /** {@code --restart}: true for kill (SIGKILL, then the same instance again), false for fresh (the default). */
    public boolean restartAfterKill() {
        String given = values.getOrDefault("restart", "fresh");
        if (!given.equals("fresh") && !given.equals("kill")) {
            throw new IllegalArgumentException("--restart must be fresh or kill, was " + given);
        }
        return given.equals("kill");
    }

    /** Where the engine's flight recording goes, or null. */
    public Path jfr() {
        return values.containsKey("jfr") ? Path.of(values.get("jfr")) : null;
    }

    public List<String> shapes() {
        return list("shape", "flash-sale,steady");
    }

    public List<String> commitModes() {
        return list("commit", "durable,async");
    }

    public int skus() {
        return integer("skus", "10000");
    }

    /** SKUs, with the scenario's own defaults. */
    public int skus(String fullDefault, String smokeDefault) {
        return integer("skus", smoke() ? smokeDefault : fullDefault);
    }

    public double zipf() {
        return Double.parseDouble(values.getOrDefault("zipf", "1.0"));
    }

    public long ordersLoaded() {
        return Long.parseLong(values.getOrDefault("orders-loaded", smoke() ? "20000" : "1000000"));
    }

    /** The query kinds to run; null = every kind. */
    public List<String> queries() {
        return values.containsKey("queries") ? list("queries", "") : null;
    }

    /** Offered rates of the paged list queries; 0 stands for unthrottled. */
    public List<Double> listRates() {
        List<Double> rates = new ArrayList<>();
        for (String r : list("list-rate", smoke() ? "100" : "250,1000")) {
            rates.add(r.equalsIgnoreCase("max") ? 0.0 : Double.parseDouble(r));
        }
        return rates;
    }

    public int sample() {
        return integer("sample", smoke() ? "60" : "400");
    }

    public String pgBin() {
        return values.get("pg-bin");
    }

    /** The options as given and as defaulted, for the report. */
    public Map<String, Object> asParameters() {
        Map<String, Object> p = new java.util.TreeMap<>(values);
        p.put("duration", duration().toString());
        p.put("warmup", warmup().toString());
        return p;
    }

    private List<String> list(String key, String dflt) {
        return List.of(values.getOrDefault(key, dflt).split(",")).stream().map(String::trim)
            .filter(s -> !s.isEmpty()).toList();
    }

    private int integer(String key, String dflt) {
        return Integer.parseInt(values.getOrDefault(key, dflt));
    }

    private Duration duration(String key, String dflt) {
        String v = values.getOrDefault(key, dflt).trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofMillis((long) (Double.parseDouble(v.endsWith("s") ? v.substring(0, v.length() - 1) : v) * 1000));
    }
}
