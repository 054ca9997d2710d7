package dev.allotment.bench.engine;

import dev.allotment.bench.core.Trees;
import dev.allotment.bench.kafka.Broker;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything an engine scenario runs against, started the way {@code ./allotment up} starts it: a Kafka broker (the
 * one given, else a local KRaft broker in a JVM of its own), the Apicurio registry from {@code deploy/registry} and
 * the engine itself ({@code services/target/allotment-services.jar}, {@code -Xmx1g}, as shipped) as child processes.
 * Every run uses its own topic prefix, application id and state directory, so a run never reads another's data.
 * The engine can be stopped and a fresh instance started on an empty state directory (the restore scenario).
 */
public final class EngineStack implements AutoCloseable {
    /** API keys the stack's engine accepts. */
    public static final String ADMIN_KEY = "bench-admin";
    public static final String PLATFORM_KEY = "bench-platform";
    public static final String ANALYST_KEY = "bench-analyst";
    /** A supplier's key: it sees and answers the allocation requests of {@link #SUPPLIER_LOCATION} only. */
    public static final String SUPPLIER_KEY = "bench-supplier";
    public static final String SUPPLIER_LOCATION = "SUP-1";

    /** How the engine runs: the knobs a scenario sweeps. */
    public record Settings(long commitIntervalMs, int threads, String heap, List<String> extraJvmArgs, Path jfr) {
        public static Settings defaults() {
            return new Settings(50, 1, "1g", List.of(), null);
        }

        public Settings withCommitInterval(long ms) {
            return new Settings(ms, threads, heap, extraJvmArgs, jfr);
        }

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("commit_interval_ms", commitIntervalMs);
            m.put("stream_threads", threads);
            m.put("engine_heap", heap);
            if (!extraJvmArgs.isEmpty()) {
                m.put("engine_jvm_args", String.join(" ", extraJvmArgs));
            }
            return m;
        }
    }

    private final Broker broker;
    private final Process registry;
    private final Path workDir;
    private final String registryUrl;
    private final Topics topics;
    private final String applicationId;
    private final AvroSerdes serdes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process engine;
    /** Null until the first engine starts: the jar is found then. */
    private ClassArchive classes;
    private int httpPort;
    private Process peer;
    private int peerPort;
    private int engineStarts;
    /** Restarts of the instance started last on its own state directory (see {@link #restartEngine}). */
    private int restarts;
    private Settings settings;

    private EngineStack(Broker broker, Process registry, Path workDir, String registryUrl, String runId) {
        this.broker = broker;
        this.registry = registry;
        this.workDir = workDir;
        this.registryUrl = registryUrl;
        this.topics = Topics.withPrefix("bench-" + runId + ".");
        this.applicationId = "allotment-bench-" + runId;
        this.serdes = new RegistryAvroSerdes(RegistryConnection.of(registryUrl));
    }

    /** Starts broker (unless one answers at {@code bootstrap}), registry and engine; waits until the engine is healthy. */
    public static EngineStack start(String bootstrap, boolean bootstrapGiven, Settings settings) throws Exception {
        Path work = Files.createTempDirectory("allotment-bench-engine");
        Broker broker = Broker.connect(bootstrap, bootstrapGiven);
        Process registry = null;
        try {
            int port = freePort();
            registry = startRegistry(work, port);
            String runId = Long.toString(System.currentTimeMillis(), 36);
            EngineStack stack = new EngineStack(broker, registry, work, "http://127.0.0.1:" + port + "/apis/ccompat/v7", runId);
            stack.startEngine(settings);
            return stack;
        } catch (Exception | Error e) {
            if (registry != null) {
                registry.destroyForcibly();
            }
            broker.close();
            throw e;
        }
    }

    public String bootstrap() {
        return broker.bootstrap();
    }

    public boolean localBroker() {
        return broker.local();
    }

    /**
     * The settings of a Kafka client of the stack's broker: its connection's ({@code bootstrap.servers} and, for a
     * broker given, the settings of {@code ALLOTMENT_KAFKA_CONFIG_FILE}) with {@code key, value, …} over them.
     */
    public Map<String, Object> kafkaClient(Object... keysAndValues) {
        return broker.client(keysAndValues);
    }

    public String registryUrl() {
        return registryUrl;
    }

    public Topics topics() {
        return topics;
    }

    public AvroSerdes serdes() {
        return serdes;
    }

    public String httpBase() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Settings settings() {
        return settings;
    }

    /** The engine's Kafka Streams application id (its changelogs are {@code <id>-<store>-changelog}). */
    public String applicationId() {
        return applicationId;
    }

    /** The state directory of the engine instance started last (each start gets a new, empty one). */
    public Path engineStateDir() {
        return workDir.resolve("state-" + engineStarts);
    }

    /** The log of the engine process started last (a restart on the same state logs to a file of its own). */
    public Path engineLog() {
        return workDir.resolve("engine-" + engineStarts + (restarts == 0 ? "" : "-restart-" + restarts) + ".log");
    }

    /** CPU time the engine process has used so far (user + system), or null where the OS does not say. */
    public Duration engineCpu() {
        return engine.toHandle().info().totalCpuDuration().orElse(null);
    }

    /** The engine's process id, for jcmd and /proc. */
    public long enginePid() {
        return engine.pid();
    }

    /** Resident memory of the engine process (heap, RocksDB, everything), from /proc; -1 where unknown. */
    public long engineRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(engine.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** One value of the engine's /prometheus page (the sum over its series whose line starts with {@code prefix}). */
    public double metric(String prefix) throws Exception {
        return metrics(prefix).stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Every series of the engine's /prometheus whose line starts with {@code prefix}: one value each (NaN as given). */
    public List<Double> metrics(String prefix) throws Exception {
        return seriesValues(get("/prometheus").body(), prefix);
    }

    static List<Double> seriesValues(String page, String prefix) {
        List<Double> values = new ArrayList<>();
        for (String line : page.split("\n")) {
            if (line.startsWith(prefix)) {
                values.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return values;
    }

    /** GET {@code path} on the engine's HTTP edge with the admin key. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(httpBase() + path)).header("Authorization", "Bearer " + ADMIN_KEY)
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether the engine has recorded stock for {@code sku} (its SKU partition has seen the stock events). */
    public boolean stockKnown(String sku) throws IOException, InterruptedException {
        return get("/stock/" + sku).statusCode() == 200;
    }

    /** Heap in use by the engine now (bytes), from its metrics. */
    public double engineHeapUsed() throws Exception {
        return metric("jvm_memory_used_bytes{area=\"heap\"");
    }

    /** Starts an engine instance on a new, empty state directory; returns once /health answers 200. */
    public Duration startEngine(Settings settings) throws Exception {
        return startEngine(settings, Duration.ofSeconds(240));
    }

    /** As {@link #startEngine(Settings)}, waiting at most {@code healthBound} for /health (a restore can take longer). */
    public Duration startEngine(Settings settings, Duration healthBound) throws Exception {
        if (engine != null && engine.isAlive()) {
            throw new IllegalStateException("the engine is already running");
        }
        this.settings = settings;
        engineStarts++;
        restarts = 0;
        httpPort = freePort();
        long t0 = System.nanoTime();
        engine = launch(httpPort, Files.createDirectories(engineStateDir()), engineLog(), settings.jfr());
        awaitHealthy(healthBound);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Starts a second engine instance on the same application id (its own port and state directory; the two share the
     * partitions and answer for each other) and waits until both are healthy again: the group has rebalanced.
     */
    public Duration startPeer(Duration bound) throws Exception {
        if (peer != null && peer.isAlive()) {
            throw new IllegalStateException("the second instance is already running");
        }
        peerPort = freePort();
        long t0 = System.nanoTime();
        peer = launch(peerPort, Files.createDirectories(Path.of(engineStateDir() + "-2")), peerLog(), null);
        long deadline = System.nanoTime() + bound.toNanos();
        while (!(healthy(httpPort) && healthy(peerPort))) {
            if (!peer.isAlive() || !engine.isAlive()) {
                throw new IllegalStateException("an engine instance exited while the second joined; logs: " + engineLog()
                    + ", " + peerLog());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the two instances were not healthy within " + bound.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The second instance's HTTP edge, once {@link #startPeer} has started it; else the first's. */
    public String peerBase() {
        return peer == null ? httpBase() : "http://127.0.0.1:" + peerPort;
    }

    public Path peerLog() {
        return workDir.resolve("engine-2.log");
    }

    /** Whether a JVM option selects a garbage collector ({@code -XX:+UseZGC}, {@code -XX:+UseShenandoahGC}, …). */
    static boolean choosesCollector(String option) {
        return option.matches("-XX:\\+Use[A-Za-z0-9]*GC");
    }

    /** One engine process on {@code port} and {@code stateDir}, logging to {@code log}; not waited for. */
    private Process launch(int port, Path stateDir, Path log, Path jfr) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx" + settings.heap());
        // RocksDB unpacks its native library (about 14 MiB) into the temporary directory at every start, and a killed
        // engine never deletes its copy: this stack's own, removed with it
        command.add("-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("tmp")));
        if (settings.extraJvmArgs().stream().noneMatch(EngineStack::choosesCollector)) {
            command.add("-XX:+UseG1GC");   // as shipped (./allotment); the JVM refuses two collectors
        }
        if (jfr != null) {
            // the HTTP edge's stacks (Netty, Micronaut, Kafka Streams' store lookup) run past JFR's default 64 frames, and a
            // cut stack loses its outer frames: an inclusive share of a controller would then be understated
            command.add("-XX:FlightRecorderOptions=stackdepth=256");
            command.add("-XX:StartFlightRecording=filename=" + jfr.toAbsolutePath() + ",settings=profile,dumponexit=true");
        }
        Path jar = findUp("services/target/allotment-services.jar", "./allotment build");
        if (classes == null) {
            classes = new ClassArchive(jar);
        }
        List<String> archive = classes.options(jar, settings.extraJvmArgs(), jfr != null);   // as ./allotment starts it
        command.addAll(archive);
        command.addAll(settings.extraJvmArgs());
        command.add("-Dallotment.streams.commit-interval-ms=" + settings.commitIntervalMs());
        command.add("-Dallotment.streams.threads=" + settings.threads());
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("ALLOTMENT_KAFKA", broker.bootstrap());
        env.put("ALLOTMENT_REGISTRY", registryUrl);
        env.put("ALLOTMENT_HTTP_PORT", Integer.toString(port));
        env.put("ALLOTMENT_HTTP_HOST", "127.0.0.1");
        env.put("ALLOTMENT_STATE_DIR", stateDir.toString());
        env.put("ALLOTMENT_TOPIC_PREFIX", topics.prefix());
        env.put("ALLOTMENT_APPLICATION_ID", applicationId);
        env.put("ALLOTMENT_API_KEYS", ADMIN_KEY + "=admin," + PLATFORM_KEY + "=platform," + ANALYST_KEY + "=analyst,"
            + SUPPLIER_KEY + "=supplier:" + SUPPLIER_LOCATION);
        env.put("ALLOTMENT_WEBHOOK_SECRET", "bench");
        env.put("ALLOTMENT_CLUSTER_SECRET", "bench-cluster-" + applicationId);
        env.remove("ALLOTMENT_API_KEYS_FILE");
        if (broker.local()) {   // the engine inherits ALLOTMENT_KAFKA_CONFIG_FILE; a local broker is plaintext
            env.remove(Broker.CONFIG_FILE_ENV);
        }
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process started = builder.start();
        classes.launched(started, archive);
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        return started;
    }

    /** Kills the engine with SIGKILL, as a crash or an OOM killer does: nothing is flushed, committed or closed. */
    public void killEngine() throws InterruptedException {
        engine.destroyForcibly().waitFor();
    }

    /**
     * Starts the engine instance killed or stopped last again, on its own state directory and HTTP port (so the same
     * static member of the group), as a supervisor restarts it; logs to a file of its own ({@link #engineLog}); returns
     * once /health answers 200.
     */
    public Duration restartEngine(Duration healthBound) throws Exception {
        if (engine != null && engine.isAlive()) {
            throw new IllegalStateException("the engine is still running");
        }
        restarts++;
        long t0 = System.nanoTime();
        engine = launch(httpPort, engineStateDir(), engineLog(), settings.jfr());
        awaitHealthy(healthBound);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Stops the engine (SIGTERM, as Ctrl-C on {@code ./allotment up}), waiting for its clean shutdown. */
    public void stopEngine() throws InterruptedException {
        if (engine == null) {
            return;
        }
        engine.destroy();
        if (!engine.waitFor(60, TimeUnit.SECONDS)) {
            engine.destroyForcibly().waitFor();
        }
    }

    /** Waits until the engine's /health answers 200 (Kafka Streams RUNNING). */
    public void awaitHealthy(Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!healthy()) {
            if (!engine.isAlive()) {
                throw new IllegalStateException("the engine exited during start-up; its log: " + engineLog());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine was not healthy within " + bound.toSeconds() + " s; its log: " + engineLog());
            }
            Thread.sleep(100);
        }
    }

    public boolean healthy() {
        return healthy(httpPort);
    }

    private boolean healthy(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The stack as the report names it. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(settings.describe());
        m.put("processing_guarantee", "exactly_once_v2");
        m.put("partitions", 4);
        m.put("broker", broker.local() ? "started by the runner (KafkaClusterTestKit, own JVM)" : broker.bootstrap());
        m.put("registry", "Apicurio Registry 2.4.2 (deploy/registry), own JVM");
        m.put("engine", "services/target/allotment-services.jar, own JVM, its classes mapped from the archive a stopped engine wrote, as ./allotment does (ClassArchive)");
        return m;
    }

    @Override
    public void close() throws Exception {
        try {
            if (peer != null) {
                peer.destroy();
                if (!peer.waitFor(60, TimeUnit.SECONDS)) {
                    peer.destroyForcibly().waitFor();
                }
            }
            stopEngine();
        } finally {
            registry.destroy();
            if (!registry.waitFor(15, TimeUnit.SECONDS)) {
                registry.destroyForcibly();
            }
            broker.close();
            if (System.getenv("ALLOTMENT_BENCH_KEEP") == null) {
                Trees.deleteQuietly(workDir);
            } else {   // the engines' logs and state, to look into a run
                System.out.println("kept " + workDir + " (ALLOTMENT_BENCH_KEEP is set)");
            }
        }
    }

    private static Process startRegistry(Path work, int port) throws Exception {
        Path jar = findUp("deploy/registry/target/quarkus-app/quarkus-run.jar", "./allotment build");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
            "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + work.resolve("registry").toAbsolutePath() + ";WRITE_DELAY=0",
            "-jar", jar.toString());
        builder.redirectErrorStream(true).redirectOutput(work.resolve("registry.log").toFile());
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        HttpClient client = HttpClient.newHttpClient();
        URI probe = URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7/subjects");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(probe).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the schema registry did not start; its log: " + work.resolve("registry.log"));
            }
            Thread.sleep(200);
        }
    }

    /** A file of the project, looked up from the working directory upwards (the runner runs from the project or a module). */
    static Path findUp(String relative, String howToBuild) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + relative + " above " + Path.of("").toAbsolutePath() + ": build it with " + howToBuild);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
