package dev.allotment.bench.postgres;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Load;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.RunResult;
import dev.allotment.bench.core.Zipf;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Baseline: allocation as row-locking transactions in PostgreSQL, on a throwaway server started here. Two shapes —
 * a flash sale (every order for one SKU, stock for a tenth of them) and steady orders (1–5 lines over Zipf-popular
 * SKUs at 4 locations) — at each client count, with durable commits and with {@code synchronous_commit=off}. After
 * each run the stock and allocation tables are checked: nothing allocated beyond stock, and every row's allocated
 * quantity equal to the sum of its recorded allocations.
 */
public final class PostgresBaseline {
    static final String FLASH_SKU = "FLASH";
    static final String WARM_SKU = "WARM";
    private static final int STEADY_PHYSICAL = 1_000_000;

    private final Options o;
    private final PostgresServer server;

    private PostgresBaseline(Options o, PostgresServer server) {
        this.o = o;
        this.server = server;
    }

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        try (PostgresServer server = PostgresServer.start(o.pgBin())) {
            PostgresBaseline baseline = new PostgresBaseline(o, server);
            baseline.createSchema();
            List<RunResult> runs = new ArrayList<>();
            for (String shape : o.shapes()) {
                for (String commit : o.commitModes()) {
                    for (int clients : o.clients()) {
                        for (double rate : o.rates("max", "max")) {
                            runs.add(baseline.runOnce(shape, commit, clients, rate));
                        }
                    }
                }
            }
            Map<String, Object> params = o.asParameters();
            params.put("postgres", server.version());
            params.put("orders_flash_sale", o.orders());
            params.put("skus_steady", o.skus());
            params.put("zipf", o.zipf());
            return new BenchResult("baseline-postgres", "transactions", started, params, Machine.describe(),
                BenchResult.bestRate(runs), runs, List.of(
                    "One transaction is one allocation decision in the flash sale and one whole order (1–5 lines) in the steady shape.",
                    "Unthrottled runs are closed loop: each client starts its next transaction when the last commits, so latency "
                        + "is the transaction's own time; at a fixed --rate it runs from the intended start.",
                    "PostgreSQL runs with its defaults (fsync on, shared_buffers 128 MB) on the same cores as the clients."));
        }
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl());
    }

    private void createSchema() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE stock (sku text, location text, physical int, allocated int, PRIMARY KEY (sku, location))");
            s.execute("CREATE TABLE allocations (id bigserial, order_id text, line_id text, sku text, location text, "
                + "quantity int, created_at timestamptz)");
        }
    }

    private void reset(String shape) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE allocations RESTART IDENTITY");
            s.execute("TRUNCATE stock");
            if (shape.equals("flash-sale")) {
                s.execute("INSERT INTO stock VALUES ('" + FLASH_SKU + "', 'L1', " + o.orders() / 10 + ", 0), ('"
                    + WARM_SKU + "', 'L1', 1000000000, 0)");
            } else {
                s.execute("INSERT INTO stock SELECT 'SKU-' || s, l, " + STEADY_PHYSICAL + ", 0 FROM generate_series(1, "
                    + o.skus() + ") s, unnest(ARRAY['L1','L2','L3','L4']) l");
            }
            s.execute("VACUUM ANALYZE stock");
        }
    }

    private RunResult runOnce(String shape, String commit, int clients, double rate) throws Exception {
        if (!shape.equals("flash-sale") && !shape.equals("steady")) {
            throw new IllegalArgumentException("unknown --shape " + shape + " (flash-sale, steady)");
        }
        if (!commit.equals("durable") && !commit.equals("async")) {
            throw new IllegalArgumentException("unknown --commit " + commit + " (durable, async)");
        }
        reset(shape);
        String label = String.format(Locale.ROOT, "%s c%d %s%s", shape, clients, commit,
            rate == 0 ? "" : String.format(Locale.ROOT, " %.0f/s", rate));
        System.out.println("baseline-postgres " + label);
        List<RowLockAllocator> allocators = new ArrayList<>();
        Counters counters = new Counters();
        Load.Outcome outcome;
        try {
            for (int i = 0; i < clients; i++) {
                allocators.add(new RowLockAllocator(server.jdbcUrl(), commit.equals("durable")));
            }
            Load.Operation op = shape.equals("flash-sale") ? flashSale(allocators, counters) : steady(allocators, counters);
            long limit = shape.equals("flash-sale") ? o.orders() : Long.MAX_VALUE;
            outcome = Load.run(label, clients, rate, o.warmup(), o.duration(), limit, op);
        } finally {
            for (RowLockAllocator a : allocators) {
                counters.retries.addAndGet(a.retries());
                a.close();
            }
        }
        if (outcome.errors() > 0) {
            throw new IllegalStateException(label + ": " + outcome.errors() + " transactions failed", outcome.firstError());
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("shape", shape);
        tags.put("clients", clients);
        tags.put("commit", commit);
        Map<String, Object> extra = verify(shape, counters);
        RunResult run = RunResult.of(label, tags, rate == 0 ? null : rate, outcome.measurement(), extra);
        if (shape.equals("steady") && run.seconds() > 0) {
            extra.put("lines_per_s", Math.round(counters.lines.get() / run.seconds()));
        }
        return run;
    }

    /** Shared tallies of one run's measured operations. */
    static final class Counters {
        final AtomicLong allocated = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong lines = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
    }

    private Load.Operation flashSale(List<RowLockAllocator> allocators, Counters counters) {
        return (client, warmup, index) -> {
            String order = (warmup ? "w-" : "f-") + index;
            RowLockAllocator.Line line = new RowLockAllocator.Line("l-1", warmup ? WARM_SKU : FLASH_SKU, 1);
            boolean allocated = allocators.get(client).allocateOne(order, line, "L1");
            if (!warmup) {
                (allocated ? counters.allocated : counters.refused).incrementAndGet();
            }
        };
    }

    private Load.Operation steady(List<RowLockAllocator> allocators, Counters counters) {
        Zipf zipf = new Zipf(o.skus(), o.zipf());
        SplittableRandom[] randoms = new SplittableRandom[allocators.size()];
        for (int i = 0; i < randoms.length; i++) {
            randoms[i] = new SplittableRandom(1000 + i);
        }
        return (client, warmup, index) -> {
            SplittableRandom random = randoms[client];
            int n = 1 + random.nextInt(5);
            List<RowLockAllocator.Line> lines = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                lines.add(new RowLockAllocator.Line("l-" + i, "SKU-" + zipf.next(random), 1 + random.nextInt(3)));
            }
            int allocated = allocators.get(client).allocateOrder((warmup ? "w-" : "s-") + client + "-" + index, lines);
            if (!warmup) {
                counters.lines.addAndGet(n);
                counters.allocated.addAndGet(allocated);
                counters.refused.addAndGet(n - allocated);
            }
        };
    }

    /** The proof: no row allocated beyond its stock, every row's allocated quantity backed by allocation records. */
    private Map<String, Object> verify(String shape, Counters counters) throws SQLException {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("allocated", counters.allocated.get());
        extra.put("refused", counters.refused.get());
        try (Connection c = admin(); Statement s = c.createStatement()) {
            extra.put("oversold_rows", single(s, "SELECT count(*) FROM stock WHERE allocated > physical"));
            extra.put("unbacked_rows", single(s, "SELECT count(*) FROM stock st LEFT JOIN (SELECT sku, location, "
                + "sum(quantity) q FROM allocations GROUP BY sku, location) a USING (sku, location) "
                + "WHERE st.allocated <> coalesce(a.q, 0)"));
            if (shape.equals("flash-sale")) {
                extra.put("stock", single(s, "SELECT physical FROM stock WHERE sku = '" + FLASH_SKU + "'"));
                extra.put("stock_allocated", single(s, "SELECT allocated FROM stock WHERE sku = '" + FLASH_SKU + "'"));
            }
        }
        extra.put("retries", counters.retries.get());
        return extra;
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
