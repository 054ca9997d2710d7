package dev.allotment.services.support;

import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One engine (Micronaut + Kafka Streams) in the test JVM on the shared real broker and registry, healthy when returned. */
public final class TestEngine implements AutoCloseable {
    private final ApplicationContext context;
    private final Http http;

    private TestEngine(ApplicationContext context, Http http) {
        this.context = context;
        this.http = http;
    }

    /** Starts an engine whose topics start with {@code prefix}, with {@code settings} over the test defaults. */
    public static TestEngine start(String prefix, Map<String, Object> settings) throws Exception {
        int port = RealInfrastructure.freePort();
        Map<String, Object> props = new HashMap<>(RealInfrastructure.engineProperties(prefix,
            Files.createTempDirectory("engine-state"), port));
        props.putAll(settings);
        ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
        Http http = new Http("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(60)).until(() -> http.send("GET", "/health", null).status() == 200);
        return new TestEngine(context, http);
    }

    public ApplicationContext context() {
        return context;
    }

    public Http http() {
        return http;
    }

    @Override
    public void close() {
        context.close();
    }
}
