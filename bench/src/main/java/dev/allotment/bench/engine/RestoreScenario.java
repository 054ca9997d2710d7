package dev.allotment.bench.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Latency;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.RunResult;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * How long a fresh engine instance takes to restore its state (issue 7, <em>restore</em>): load {@code --orders-loaded}
 * orders, note what a sample of them (and of their histories and SKUs) answers, stop the engine, start a new instance
 * on an empty state directory, and time it until every sampled answer is back and equal to what it was. Restored
 * means answering: a store of a task still restoring is not queryable, so a sampled order answers only once its
 * partition's stores are complete; the sample holds the last order decided and the last placed on every partition, so
 * every order partition is covered at its end. Fails when any sampled answer differs after the restore.
 */
public final class RestoreScenario {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The loggers that say what Kafka Streams restored (the engine's logback.xml keeps org.apache.kafka at WARN). */
    static final List<String> RESTORE_LOGGING = List.of(
        "-Dlogger.levels.org.apache.kafka.streams.processor.internals.StoreChangelogReader=INFO");
    static final Duration RESTORE_BOUND = Duration.ofMinutes(15);
    /** A sampled answer that stays different this long after the instance answers at all is a failed restore. */
    static final Duration WRONG_FOR = Duration.ofSeconds(60);

    private RestoreScenario() {}

    public static BenchResult run(Options o) throws Exception {
        String started = Instant.now().toString();
        long loaded = o.ordersLoaded();
        boolean kill = o.restartAfterKill();
        List<String> jvm = new ArrayList<>(RESTORE_LOGGING);
        jvm.addAll(o.engineConfig());
        EngineStack.Settings settings = new EngineStack.Settings(o.commitIntervalMs(), o.threads(), "1g", jvm, null);
        Map<String, Object> params = o.asParameters();
        List<RunResult> runs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double seconds;
        try (EngineStack stack = EngineStack.start(o.bootstrap(), o.bootstrapGiven(), settings);
             Platform platform = new Platform(stack)) {
            OrderMix mix = new OrderMix(o.skus(), o.zipf(), 7);
            OrderLoader.Loaded load = OrderLoader.load(stack, platform, mix, loaded);
            runs.add(load.run());
            List<String> paths = samplePaths(load, loaded, o.sample(), o.skus(), platform.stockPartitions(), 11);
            AnalystClient noting = new AnalystClient(stack);
            // the load ends when every line is decided; an order's history shows its last decisions one commit later
            // (the fold reads the decision log): noted until two readings a second apart agree, so the sample is settled
            Map<String, JsonNode> before = note(noting, paths);
            for (int tries = 0; tries < 30; tries++) {
                Thread.sleep(1_000);
                Map<String, JsonNode> again = note(noting, paths);
                if (again.equals(before)) {
                    break;
                }
                before = again;
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("heap_before_stop_mib", mib(stack.engineHeapUsed()));
            extra.put("rss_before_stop_mib", mib(stack.engineRssBytes()));
            extra.put("state_dir_before_stop_mib", mib(size(stack.engineStateDir())));
            List<Changelogs.Store> changelogs = Changelogs.describe(stack);
            long changelogOffsets = changelogs.stream().mapToLong(Changelogs.Store::offsets).sum();
            long changelogBytes = changelogs.stream().mapToLong(Changelogs.Store::bytes).sum();
            System.out.printf(Locale.ROOT, "restore: %d sampled answers noted; changelogs span %,d offsets, %.1f MiB on the broker%n",
                paths.size(), changelogOffsets, changelogBytes / 1048576.0);

            long t0;
            Duration healthy;
            if (kill) {
                stack.killEngine();
                System.out.println("restore: engine killed (SIGKILL); starting it again on its own state directory and port…");
                t0 = System.nanoTime();
                healthy = stack.restartEngine(RESTORE_BOUND);
            } else {
                stack.stopEngine();
                System.out.println("restore: engine stopped; starting a fresh instance on an empty state directory…");
                t0 = System.nanoTime();
                healthy = stack.startEngine(settings, RESTORE_BOUND);
            }
            AnalystClient client = new AnalystClient(stack);   // the new instance listens on a port of its own
            Instant processStart = ProcessHandle.of(stack.enginePid()).flatMap(h -> h.info().startInstant()).orElse(null);
            Watch watch = watch(client, before, t0, RESTORE_BOUND);
            seconds = watch.lastCorrectSeconds();
            System.out.printf(Locale.ROOT, "restore: /health UP after %.1f s; every sampled answer back and equal after %.1f s%n",
                healthy.toMillis() / 1000.0, seconds);

            // the final word: every sampled answer once more, all equal
            Map<String, String> differing = differing(client, before);
            if (!differing.isEmpty()) {
                Map.Entry<String, String> first = differing.entrySet().iterator().next();
                throw new IllegalStateException(differing.size() + " sampled answers differ after the restore; the first, "
                    + first.getKey() + ": before " + before.get(first.getKey()) + ", after " + first.getValue());
            }

            extra.put("health_up_s", round1(healthy.toMillis() / 1000.0));
            EngineLog log = EngineLog.read(stack.engineLog());
            if (processStart != null) {
                LocalTime streamsStarted = log.streamsStarted();
                if (streamsStarted != null) {
                    extra.put("streams_started_s", round1(EngineLog.secondsAfter(processStart, streamsStarted, ZoneId.systemDefault())));
                }
                List<EngineLog.Restored> restored = log.restored();
                if (!restored.isEmpty()) {
                    LocalTime last = restored.stream().map(EngineLog.Restored::at).filter(t -> t != null).max(LocalTime::compareTo).orElse(null);
                    if (last != null) {
                        extra.put("last_changelog_restored_s", round1(EngineLog.secondsAfter(processStart, last, ZoneId.systemDefault())));
                    }
                }
            }
            extra.put("answered_s", round1(seconds));
            List<EngineLog.Restored> restored = log.restored();
            long restoredRecords = restored.stream().mapToLong(EngineLog.Restored::records).sum();
            if (!restored.isEmpty()) {
                extra.put("records_restored", restoredRecords);
                extra.put("changelog_partitions_restored", restored.size());
            }
            String prometheus = stack.get("/prometheus").body();     // metrics need the admin key
            extra.put("restore_consumer_records", Math.round(restoreConsumer(prometheus, "kafka_consumer_fetch_manager_records_consumed_total")));
            extra.put("restore_consumer_mib", mib(restoreConsumer(prometheus, "kafka_consumer_fetch_manager_bytes_consumed_total")));
            extra.put("changelog_offsets", changelogOffsets);
            extra.put("changelog_mib", mib(changelogBytes));
            extra.put("sampled_answers", paths.size());
            extra.put("not_found_after_up", watch.notFound());
            extra.put("unavailable_after_up", watch.unavailable());
            extra.put("wrong_after_up", watch.wrong());
            extra.put("heap_used_mib", mib(stack.engineHeapUsed()));
            if (fullGc(stack.enginePid())) {
                extra.put("heap_live_mib", mib(stack.engineHeapUsed()));
            }
            extra.put("rss_mib", mib(stack.engineRssBytes()));
            // Kafka Streams' RocksDB metrics reach /prometheus when Micrometer next looks for new metrics (every 60 s)
            Map<String, Double> rocksDb = rocksDb(stack.get("/prometheus").body());
            for (long until = System.nanoTime() + (o.smoke() ? 0 : 75_000_000_000L); rocksDb.isEmpty() && System.nanoTime() < until; ) {
                LockSupport.parkNanos(2_000_000_000L);
                rocksDb = rocksDb(stack.get("/prometheus").body());
            }
            rocksDb.forEach((k, v) -> extra.put(k, mib(v)));
            extra.put("state_dir_mib", mib(size(stack.engineStateDir())));

            Map<String, Object> tags = new LinkedHashMap<>();
            tags.put("phase", kill ? "restart after SIGKILL" : "restore");
            tags.put("baseline", "none");
            runs.add(new RunResult(String.format(Locale.ROOT, kill ? "restart after SIGKILL, %,d orders" : "restore %,d orders", loaded), tags, null, loaded / seconds,
                loaded, seconds, Latency.of(watch.answered()), List.of(), extra));

            params.putAll(stack.describe());
            params.put("orders_loaded", loaded);
            params.put("lines_loaded", load.lines());
            params.put("skus", o.skus());
            params.put("zipf", o.zipf());
            params.put("warehouses", OrderMix.WAREHOUSES + " (SKU i stocked at L(1 + i mod 4) only)");
            params.put("sample", paths.size() + " answers: GET /orders/{id} (the last decided and last placed of every "
                + "partition, the first, random ones), /orders/{id}/events, /stock/{sku}");
            notes.addAll(kill ? killNotes(loaded, seconds, healthy, extra) : notes(loaded, seconds, healthy, extra, changelogs));
        }
        return new BenchResult(kill ? "restart" : "restore", kill ? "orders served again" : "orders restored", started, params, Machine.describe(), loaded / seconds, runs, notes);
    }

    /** What each sampled path answers now (200 expected). */
    private static Map<String, JsonNode> note(AnalystClient noting, List<String> paths) throws Exception {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        for (String path : paths) {
            HttpResponse<String> r = noting.get(path);
            if (r.statusCode() != 200) {
                throw new AnalystClient.Refused(path, r.statusCode(), r.body());
            }
            answers.put(path, JSON.readTree(r.body()));
        }
        return answers;
    }

    /** The sampled paths: every partition's last decided and last placed order with its history, the first order, random orders, SKUs. */
    static List<String> samplePaths(OrderLoader.Loaded load, long loaded, int size, int skus, int stockPartitions, long seed) {
        LinkedHashSet<String> paths = new LinkedHashSet<>();
        List<String> ends = new ArrayList<>(load.lastDecided());
        ends.addAll(load.lastPlaced());
        ends.add(OrderMix.orderId(0));
        ends.add(OrderMix.orderId(loaded - 1));
        for (String id : ends) {
            if (id != null) {
                paths.add("/orders/" + id);
                paths.add("/orders/" + id + "/events");
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        int orders = Math.max(size, 0);
        long distinct = Math.min(loaded, orders);
        while (paths.stream().filter(p -> !p.endsWith("/events") && p.startsWith("/orders/")).count() < distinct) {
            String id = OrderMix.orderId(random.nextLong(loaded));
            paths.add("/orders/" + id);
            if (random.nextInt(10) == 0) {
                paths.add("/orders/" + id + "/events");
            }
        }
        String[] lastSku = new String[stockPartitions];
        for (int s = 0; s < skus; s++) {
            lastSku[OrderMix.partition(Platform.sku(s), stockPartitions)] = Platform.sku(s);
        }
        for (String sku : lastSku) {
            if (sku != null) {
                paths.add("/stock/" + sku);
            }
        }
        for (int s = 0; s < Math.min(10, skus); s++) {
            paths.add("/stock/" + Platform.sku(s));   // the most popular SKUs: the most changed stock
        }
        for (int i = 0; i < Math.max(1, size / 10); i++) {
            paths.add("/stock/" + Platform.sku(random.nextInt(skus)));
        }
        return new ArrayList<>(paths);
    }

    /** How the sample came back: each answer's time to come back equal (ms from the start call), and what was seen before. */
    record Watch(Histogram answered, double lastCorrectSeconds, long notFound, long unavailable, long wrong) {}

    /** Polls every sampled path not yet back until each answers 200 with what it answered before. */
    static Watch watch(AnalystClient client, Map<String, JsonNode> before, long t0, Duration bound) throws Exception {
        Histogram answered = new Histogram(3);
        List<String> pending = new ArrayList<>(before.keySet());
        long notFound = 0;
        long unavailable = 0;
        long wrong = 0;
        long last = t0;
        long deadline = System.nanoTime() + bound.toNanos();
        Map<String, Long> wrongSince = new java.util.HashMap<>();
        String lastProblem = null;
        long nextReport = System.nanoTime() + 5_000_000_000L;
        while (!pending.isEmpty()) {
            List<String> still = new ArrayList<>();
            for (String path : pending) {
                HttpResponse<String> r;
                try {
                    r = client.get(path);
                } catch (IOException e) {
                    unavailable++;
                    still.add(path);
                    lastProblem = path + ": " + e;
                    continue;
                }
                long now = System.nanoTime();
                if (r.statusCode() == 200 && JSON.readTree(r.body()).equals(before.get(path))) {
                    answered.recordValue(Math.max(1, (now - t0) / 1000));
                    wrongSince.remove(path);
                    last = Math.max(last, now);
                    continue;
                }
                if (r.statusCode() == 200) {
                    wrong++;
                    long since = wrongSince.computeIfAbsent(path, p -> now);
                    if (now - since > WRONG_FOR.toNanos()) {
                        throw new IllegalStateException(path + " answers differently after the restore (for "
                            + WRONG_FOR.toSeconds() + " s): before " + before.get(path) + ", after " + r.body());
                    }
                } else if (r.statusCode() == 404) {
                    notFound++;
                } else {
                    unavailable++;
                }
                lastProblem = path + ": " + r.statusCode() + " " + (r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
                still.add(path);
            }
            pending = still;
            if (!pending.isEmpty() && System.nanoTime() > nextReport) {
                nextReport += 5_000_000_000L;
                System.out.printf(Locale.ROOT, "  restore  %3.0fs  %d of %d sampled answers back; the last problem: %s%n",
                    (System.nanoTime() - t0) / 1e9, before.size() - pending.size(), before.size(), lastProblem);
            }
            if (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(pending.size() + " sampled answers were not back within " + bound.toMinutes()
                        + " min; the last problem: " + lastProblem);
                }
                LockSupport.parkNanos(50_000_000L);
            }
        }
        return new Watch(answered, (last - t0) / 1e9, notFound, unavailable, wrong);
    }

    /** The sampled paths whose answer now differs from before, with the answer. */
    static Map<String, String> differing(AnalystClient client, Map<String, JsonNode> before) throws Exception {
        Map<String, String> differing = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : before.entrySet()) {
            HttpResponse<String> r = client.get(e.getKey());
            if (r.statusCode() != 200 || !JSON.readTree(r.body()).equals(e.getValue())) {
                differing.put(e.getKey(), r.statusCode() + " " + r.body());
            }
        }
        return differing;
    }

    /** Asks the engine's JVM for a full GC ({@code jcmd <pid> GC.run}), so the heap used after it is the live set. */
    static boolean fullGc(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(Files.exists(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The sum of a metric over the engine's restore consumers ({@code client_id="…-restore-consumer"}), from /prometheus. */
    static double restoreConsumer(String prometheus, String metric) {
        double sum = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains("-restore-consumer\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * RocksDB's memory from Kafka Streams' store metrics: the block cache (one cache shared by every store, so every
     * store reports the same usage and capacity: the largest is taken), memtables and table readers (summed over stores).
     * Empty while the metrics are not on the page yet.
     */
    static Map<String, Double> rocksDb(String prometheus) {
        Map<String, Double> m = new LinkedHashMap<>();
        double capacity = -1;
        double usage = 0;
        double pinned = 0;
        double memtables = 0;
        double readers = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (line.startsWith("kafka_stream_state_block_cache_capacity{")) {
                capacity = Math.max(capacity, v);
            } else if (line.startsWith("kafka_stream_state_block_cache_usage{")) {
                usage = Math.max(usage, v);
            } else if (line.startsWith("kafka_stream_state_block_cache_pinned_usage{")) {
                pinned = Math.max(pinned, v);
            } else if (line.startsWith("kafka_stream_state_cur_size_all_mem_tables{")) {
                memtables += v;
            } else if (line.startsWith("kafka_stream_state_estimate_table_readers_mem{")) {
                readers += v;
            }
        }
        if (capacity >= 0) {
            m.put("rocksdb_block_cache_capacity_mib", capacity);
            m.put("rocksdb_block_cache_usage_mib", usage);
            m.put("rocksdb_block_cache_pinned_mib", pinned);
            m.put("rocksdb_memtables_mib", memtables);
            m.put("rocksdb_table_readers_mib", readers);
        }
        return m;
    }

    static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;   // RocksDB removed it meanwhile
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    private static double mib(double bytes) {
        return bytes < 0 ? -1 : Math.round(bytes / 1048576.0 * 10) / 10.0;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** " Of which …" from the engine's log, when it said when Kafka Streams started and when the last changelog finished. */
    static String breakdown(Map<String, Object> extra) {
        if (!(extra.get("streams_started_s") instanceof Double started)) {
            return "";
        }
        String text = String.format(Locale.ROOT, " Kafka Streams was started %.1f s after the process (JVM, Micronaut, topics, schemas)", started);
        if (extra.get("last_changelog_restored_s") instanceof Double last) {
            text += String.format(Locale.ROOT, "; its last changelog was restored %.1f s later", last - started);
            if (extra.get("records_restored") instanceof Long records && last > started) {
                text += String.format(Locale.ROOT, " (%,d records, %,.0f records/s)", records, records / (last - started));
            }
        }
        return text + ".";
    }

    static List<String> killNotes(long loaded, double seconds, Duration healthy, Map<String, Object> extra) {
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "Restart after SIGKILL: **%.1f s** for %,d orders, from the call that starts the "
            + "killed instance again (same state directory, same HTTP port, so the same static member of the group: "
            + "`group.instance.id` is built from the application id, host and port) until every sampled answer was back and equal "
            + "to its answer before the kill; `/health` said UP after %.1f s.%s Target (issue 16): under 20 s for 1,000,000 "
            + "orders%s.", seconds, loaded, healthy.toMillis() / 1000.0, breakdown(extra),
            loaded == 1_000_000 ? (seconds < 20 ? ": met" : ": not met") : ""));
        notes.add("The kill comes right after the sample is noted, with the load's last commits done: what the restart reads "
            + "from the changelogs (`records_restored`) is what the transactional stores had not yet made durable locally, "
            + "not the whole state, which a fresh instance would read (the restore scenario without --restart kill).");
        notes.add("While the instance starts, a sampled query answers 503 (or cannot connect); `not_found_after_up` and "
            + "`wrong_after_up` count 404s and differing 200s seen after /health was UP: either would mean it served incomplete state.");
        return notes;
    }

    static List<String> notes(long loaded, double seconds, Duration healthy, Map<String, Object> extra, List<Changelogs.Store> changelogs) {
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "Restore: **%.1f s** for %,d orders, from the call that starts the fresh instance "
            + "(JVM start, Micronaut, topic and schema checks, Kafka Streams joining the group and restoring every store from its "
            + "changelog) until every sampled answer was back and equal to its answer before the stop; `/health` said UP after "
            + "%.1f s.%s Target (issue 19): ≤ 30 s for 1,000,000 orders%s.", seconds, loaded, healthy.toMillis() / 1000.0,
            breakdown(extra), loaded == 1_000_000 ? (seconds <= 30 ? ": met" : ": not met") : ""));
        notes.add("The fresh instance starts on an empty state directory, so it reads every changelog from its start. "
            + "`changelog_offsets` is what the changelogs span (records, and one transaction marker per commit that wrote to a "
            + "partition: the engine runs exactly_once_v2); `records_restored` is what Kafka Streams reports it read "
            + "(StoreChangelogReader, logged at INFO for this run only), `restore_consumer_records` and `restore_consumer_mib` "
            + "what its restore consumer counted (the records' own bytes, uncompressed); `last_changelog_restored_s` is when the last changelog "
            + "finished, from the process start. Changelogs per store: " + String.join(", ", changelogs.stream()
                .map(c -> String.format(Locale.ROOT, "%s %,d offsets %.1f MiB", c.store(), c.offsets(), c.bytes() / 1048576.0))
                .toList()) + ".");
        notes.add("What a restore reads is the live state plus the updates the broker has not compacted yet: every store "
            + "update is a changelog record, the broker's log cleaner compacts closed segments only, and the engine's "
            + "changelogs close a segment at 64 MiB or after an hour, `sku-stock`'s and the `stock-levels` topic's, which "
            + "churn, at 1 MiB (schemas/…/TopicSpec.java; Kafka's default is 1 GiB or 7 days). `line-reservations` holds "
            + "a record per line, all live; `order-history` nothing new (an order's history is positions in the decision "
            + "log, kept in the order's own record); `orders` gets a record per commit that changed an order (its "
            + "reservation's position among them) and `sku-stock` one per commit per SKU, "
            + "of which compaction keeps the last; `order-index` a put and, once an order leaves a list, a tombstone (kept "
            + "a day, as Kafka keeps every tombstone, so that an instance back within it sees the delete).");
        notes.add("While the instance restores, a sampled query answers 503 (`unavailable_after_up` counts those seen after "
            + "/health was UP, `not_found_after_up` any 404, `wrong_after_up` any 200 that differed); a 404 or a wrong answer "
            + "would mean the instance served incomplete state. The latency columns of the restore row are the sampled answers' "
            + "times to come back, from the start call.");
        notes.add("Memory after the restore: `heap_used_mib` as found, `heap_live_mib` after a full GC (`jcmd GC.run`), "
            + "`rss_mib` the engine process's resident memory (heap, RocksDB's block cache and memtables, bounded together to "
            + "`allotment.rocksdb.memory.bytes`, 256 MiB by default, by BoundedRocksDbConfig, and the rest of the JVM), `state_dir_mib` the RocksDB files on disk. "
            + "`rocksdb_*` are Kafka Streams' RocksDB metrics (block cache usage and capacity: one cache shared by every store; "
            + "memtables, which the write buffer manager charges to that cache, and table readers' index/filter memory summed "
            + "over stores); they reach /prometheus only once Micrometer looks for new metrics (every 60 s), so the full run "
            + "waits for them and the smoke run reports them only when they are there. Targets: "
            + "heap ≤ 1 GiB (the engine runs with -Xmx1g), RocksDB memory bounded by configuration.");
        return notes;
    }
}
