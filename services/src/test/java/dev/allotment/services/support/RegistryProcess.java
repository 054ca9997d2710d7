package dev.allotment.services.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Apicurio Registry 2.4.2 from deploy/registry as a child process, its schemas in an H2 file written without delay
 * (WRITE_DELAY=0: ids survive a SIGKILL, see PLATFORM-NOTES "Schema registry"), so it can be killed and started again
 * on the same port and file.
 */
public final class RegistryProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private RegistryProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a registry keeping its data in {@code dir}, answering on {@code port}; returns once it answers. */
    public static RegistryProcess start(Path dir, int port) throws Exception {
        RegistryProcess registry = new RegistryProcess(dir, port);
        registry.restart();
        return registry;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Its Confluent-compatible API's base: what the engine is given as {@code allotment.registry.url}. */
    public String confluentApi() {
        return url() + CONFLUENT_API;
    }

    /** Where Apicurio 2.x serves the Confluent Schema Registry API. */
    public static final String CONFLUENT_API = "/apis/ccompat/v7";

    /** Starts it (again) on the same port and data; returns once its Confluent-compatible API answers. */
    public void restart() throws Exception {
        Path jar = ChildJvm.findUp("deploy/registry/target/quarkus-app/quarkus-run.jar",
            "build it with ./allotment build (./allotment test does), or set ALLOTMENT_TEST_REGISTRY_URL");
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.java(), "-Xmx256m", "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath() + ";WRITE_DELAY=0",
            "-jar", jar.toString());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()));
        process = ChildJvm.owned(builder.start());
        ChildJvm.await(process, () -> answers(confluentApi() + "/subjects"), Duration.ofSeconds(90), "the registry",
            dir.resolve("registry.log"));
    }

    /** SIGKILL: what a crash does. */
    public void kill() throws InterruptedException {
        ChildJvm.kill(process);
    }

    @Override
    public void close() throws InterruptedException {
        ChildJvm.stop(process, 10);
    }

    private static boolean answers(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
