package dev.allotment.services.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A single-node KRaft broker as {@code ./allotment up} runs it (its {@code start_broker}): the classpath
 * deploy/broker/target/lib, server.properties from deploy/broker/server.properties.template, formatted once with
 * {@code kafka.tools.StorageTool}, then {@code kafka.Kafka}. It can be killed and started again on the same ports and
 * data directory.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Path properties;
    private final Path lib;
    private Process process;

    private BrokerProcess(Path dir, int port, Path properties, Path lib) {
        this.dir = dir;
        this.port = port;
        this.properties = properties;
        this.lib = lib;
    }

    /** Formats a new cluster in {@code dir} and starts it on free ports; returns once it accepts connections. */
    public static BrokerProcess start(Path dir) throws Exception {
        return start(dir, (port, controllerPort) -> java.util.Map.of(), java.util.List.of());
    }

    /**
     * The same, with {@code overrides} (given the client and controller ports) set over the template's properties, and
     * {@code formatArgs} added to the format (e.g. {@code --add-scram} for a SASL/SCRAM user). The broker is "listening"
     * once its client port accepts a TCP connection, whatever the listener's protocol.
     */
    public static BrokerProcess start(Path dir, java.util.function.BiFunction<Integer, Integer, java.util.Map<String, String>> overrides,
                                      java.util.List<String> formatArgs) throws Exception {
        Path broker = ChildJvm.findUp("deploy/broker", "the project's deploy/broker");
        Path lib = broker.resolve("target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("no " + lib + ": build it with mvn -f deploy/broker/pom.xml package (./allotment test does)");
        }
        int port = RealInfrastructure.freePort();
        int controllerPort = RealInfrastructure.freePort();
        String template = Files.readString(broker.resolve("server.properties.template"));
        Path properties = dir.resolve("server.properties");
        Files.createDirectories(dir.resolve("logs"));
        StringBuilder text = new StringBuilder(template.replace("@KAFKA_PORT@", Integer.toString(port))
            .replace("@CONTROLLER_PORT@", Integer.toString(controllerPort))
            .replace("@LOG_DIR@", dir.resolve("data").toAbsolutePath().toString()));
        // a key set again further down a properties file is read with its last value
        text.append("\n############################# Set by the test #############################\n");
        overrides.apply(port, controllerPort).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(properties, text);
        BrokerProcess b = new BrokerProcess(dir, port, properties, lib);
        String clusterId = b.tool("random-uuid").trim();
        java.util.List<String> format = new java.util.ArrayList<>(java.util.List.of("format", "-t", clusterId, "-c", properties.toString()));
        format.addAll(formatArgs);
        b.tool(format.toArray(String[]::new));
        b.restart();
        return b;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again) on its ports and data; returns once it accepts connections. */
    public void restart() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.java(), "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
            "-Dlog4j2.configurationFile=" + lib.getParent().getParent().resolve("log4j2.properties"),
            "-Dallotment.broker.log.file=" + dir.resolve("logs/broker.log"), "-cp", lib + "/*", "kafka.Kafka", properties.toString());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs/broker.out").toFile()));
        process = ChildJvm.owned(builder.start());
        ChildJvm.await(process, this::listening, Duration.ofSeconds(120), "the broker", dir.resolve("logs"));
    }

    /** SIGKILL: what a crash does. */
    public void kill() throws InterruptedException {
        ChildJvm.kill(process);
    }

    @Override
    public void close() throws InterruptedException {
        ChildJvm.stop(process, 30);
    }

    private String tool(String... args) throws Exception {
        return run("kafka.tools.StorageTool", args);
    }

    /**
     * Kafka's {@code kafka-transactions.sh} against this broker (what {@code ./allotment kafka-transactions} runs), as an
     * operator would: {@code transactions("abort", "--topic", t, "--partition", p, "--start-offset", o)}; its output.
     */
    public String transactions(String... args) throws Exception {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--bootstrap-server", bootstrap()));
        all.addAll(java.util.List.of(args));
        return run("org.apache.kafka.tools.TransactionsCommand", all.toArray(String[]::new));
    }

    private String run(String mainClass, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(ChildJvm.java(),
            "-Dlog4j2.configurationFile=" + lib.getParent().getParent().resolve("tools-log4j2.properties"), "-cp", lib + "/*",
            mainClass));
        command.addAll(java.util.List.of(args));
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tool.waitFor() != 0) {
            throw new IllegalStateException(mainClass + " " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
