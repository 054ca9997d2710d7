package dev.allotment.services.support;

import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One engine (Micronaut + Kafka Streams) in the test JVM on the shared real broker and registry, healthy when returned. */
public final class TestEngine implements AutoCloseable {
    private static final String STATE_DIR = "allotment.streams.state-dir";
    private final ApplicationContext context;
    private final Http http;
    /** The state directory this engine made and removes on close; null when the caller named one. */
    private final Path stateDir;

    private TestEngine(ApplicationContext context, Http http, Path stateDir) {
        this.context = context;
        this.http = http;
        this.stateDir = stateDir;
    }

    /**
     * Starts an engine whose topics start with {@code prefix}, with {@code settings} over the test defaults. Its state
     * directory is a new one, removed on close, unless {@code settings} name one ({@code allotment.streams.state-dir}):
     * that one is the caller's, kept for an engine started again on it.
     */
    public static TestEngine start(String prefix, Map<String, Object> settings) throws Exception {
        int port = RealInfrastructure.freePort();
        boolean callers = settings.containsKey(STATE_DIR);
        Path stateDir = callers ? Path.of(settings.get(STATE_DIR).toString()) : TempDirs.create("engine-state");
        Map<String, Object> props = new HashMap<>(RealInfrastructure.engineProperties(prefix, stateDir, port));
        props.putAll(settings);
        ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
        Http http = new Http("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(60)).until(() -> http.send("GET", "/health", null).status() == 200);
        return new TestEngine(context, http, callers ? null : stateDir);
    }

    public ApplicationContext context() {
        return context;
    }

    public Http http() {
        return http;
    }

    /** Stops the engine and removes the state directory it made (not one the caller named). */
    @Override
    public void close() {
        context.close();
        if (stateDir != null) {
            TempDirs.removeTree(stateDir);
        }
    }

}
