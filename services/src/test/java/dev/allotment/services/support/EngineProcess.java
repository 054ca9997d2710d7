package dev.allotment.services.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged engine (target/allotment-services.jar with target/lib, as failsafe finds it after {@code package}) as a
 * child JVM on one state directory and HTTP port, so that it can be SIGKILLed and started again on the same state.
 */
public final class EngineProcess implements AutoCloseable {
    private final Map<String, String> env;
    private final List<String> jvmOptions;
    private final int port;
    private final Path log;
    private final Http http;
    private final Path tmpDir;
    private Process process;
    private int starts;

    /**
     * An engine with the given environment (ALLOTMENT_KAFKA, ALLOTMENT_STATE_DIR, …; the HTTP port is added) and JVM
     * options ({@code -D…}), writing its output to {@code log}. Not started yet.
     */
    public EngineProcess(Map<String, String> env, List<String> jvmOptions, Path log) throws Exception {
        this.env = Map.copyOf(env);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.port = RealInfrastructure.freePort();
        this.log = log;
        this.http = new Http("http://127.0.0.1:" + port);
        // its own temporary directory, removed with the test JVM: RocksDB unpacks its native library (about 14 MiB) into
        // it at each start, and a killed JVM never deletes its copy
        this.tmpDir = TempDirs.create("engine-tmp");
    }

    public Http http() {
        return http;
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** How many times it was started. */
    public int starts() {
        return starts;
    }

    /** Starts it (again, on the same state) and waits until /health answers 200 within {@code bound}. */
    public void start(Duration bound) throws Exception {
        launch();
        awaitHealthy(bound);
    }

    /** Starts it (again, on the same state) without waiting for it. */
    public void launch() throws Exception {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Xmx512m", "-Djava.io.tmpdir=" + tmpDir));
        command.addAll(jvmOptions);
        String sku = "-D" + RealInfrastructure.SKU_CLIENT_SETTING + "=";
        if (jvmOptions.stream().noneMatch(o -> o.startsWith(sku))) {   // the SKU client's pass, unless the test says
            RealInfrastructure.skuCommitInterval().ifPresent(ms -> command.add(sku + ms));
        }
        command.addAll(List.of("-jar", Path.of("target/allotment-services.jar").toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("ALLOTMENT_HTTP_PORT", Integer.toString(port));
        builder.environment().remove("ALLOTMENT_API_KEYS_FILE");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = ChildJvm.owned(builder.start());
        starts++;
    }

    /** Waits until /health answers 200 (Kafka Streams RUNNING); fails when the engine exits or the bound passes. */
    public void awaitHealthy(Duration bound) throws InterruptedException {
        ChildJvm.await(process, this::healthy, bound, "the engine", log);
    }

    /** Whether its process is running. */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    public boolean healthy() {
        try {
            return process != null && process.isAlive() && http.send("GET", "/health", null).status() == 200;
        } catch (AssertionError connectionRefused) {
            return false;
        }
    }

    /** SIGKILL, mid-flight: nothing of the engine gets to run after it. */
    public void kill() throws InterruptedException {
        ChildJvm.kill(process);
    }

    @Override
    public void close() throws InterruptedException {
        ChildJvm.kill(process);
    }
}
