package dev.allotment.bench.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The broker a Kafka scenario runs against: the one given (or on 127.0.0.1:9092), else a {@link LocalBroker} child.
 * A broker found at the address connects with the Kafka client settings of the properties file named by
 * {@value #CONFIG_FILE_ENV} (a secured cluster's {@code security.protocol}, {@code sasl.*}, {@code ssl.*}), as the
 * engine reads it; a local broker is plaintext and takes none. Every client the runner creates takes its settings from
 * {@link #client}.
 */
public final class Broker implements AutoCloseable {
    /** The environment variable naming the properties file of Kafka client settings (the engine reads the same). */
    public static final String CONFIG_FILE_ENV = "ALLOTMENT_KAFKA_CONFIG_FILE";

    private final String bootstrap;
    private final Process child;
    /** The file's settings; empty for a local broker or when no file is named. */
    private final Map<String, Object> settings;
    /** The file the settings came from; null when none. */
    private final Path configFile;

    private Broker(String bootstrap, Process child, Map<String, Object> settings, Path configFile) {
        this.bootstrap = bootstrap;
        this.child = child;
        this.settings = Map.copyOf(settings);
        this.configFile = configFile;
    }

    /**
     * The broker that answers at {@code bootstrap} (with the settings of {@value #CONFIG_FILE_ENV}'s file, if named);
     * else, unless {@code given}, a local broker started for this run.
     */
    public static Broker connect(String bootstrap, boolean given) throws Exception {
        Path file = namedConfigFile();
        Map<String, Object> settings = readSettings(file);
        if (reachable(bootstrap, settings)) {
            System.out.println("using the Kafka broker at " + bootstrap + withSettingsOf(file));
            return new Broker(bootstrap, null, settings, file);
        }
        if (given) {
            throw new IllegalStateException("no Kafka broker answers at " + bootstrap + " (--bootstrap)" + withSettingsOf(file));
        }
        System.out.println("no broker at " + bootstrap + "; starting a local single-node KRaft broker…");
        return startLocal();
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** True when this run started the broker (and the report should say so). */
    public boolean local() {
        return child != null;
    }

    /**
     * The settings of a Kafka client of this broker ({@code key, value, key, value, …} over the connection's), as a new
     * map: the file's settings, then {@code bootstrap.servers}, then the client's own.
     */
    public Map<String, Object> client(Object... keysAndValues) {
        return merge(settings, bootstrap, keysAndValues);
    }

    /** The properties file the client settings came from, for tools that take it themselves; empty when none. */
    public Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }

    /** The file named by {@value #CONFIG_FILE_ENV}; null when it is unset or blank. */
    private static Path namedConfigFile() {
        String named = System.getenv(CONFIG_FILE_ENV);
        return named == null || named.isBlank() ? null : Path.of(named);
    }

    /** " with the client settings of FILE (…)" for a message, or nothing when no file is named. */
    private static String withSettingsOf(Path file) {
        return file == null ? "" : " with the client settings of " + file + " (" + CONFIG_FILE_ENV + ")";
    }

    /** The Kafka client settings of {@code file} (null: none). A file that cannot be read stops the run, naming it. */
    static Map<String, Object> readSettings(Path file) {
        Map<String, Object> settings = new HashMap<>();
        if (file == null) {
            return settings;
        }
        Properties fromFile = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            fromFile.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Kafka client settings file " + file
                + " (" + CONFIG_FILE_ENV + "): " + e, e);
        }
        fromFile.stringPropertyNames().forEach(k -> settings.put(k, fromFile.getProperty(k)));
        return settings;
    }

    /** {@code settings}, then {@code bootstrap.servers}, then the pairs of {@code keysAndValues} over them, as a new map. */
    private static Map<String, Object> merge(Map<String, Object> settings, String bootstrap, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("settings come in key and value pairs");
        }
        Map<String, Object> client = new HashMap<>(settings);
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            client.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return client;
    }

    /** Whether a broker answers at {@code bootstrap} to an admin client with {@code settings}. */
    static boolean reachable(String bootstrap, Map<String, Object> settings) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))), 500);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        try (Admin admin = Admin.create(merge(settings, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static Broker startLocal() throws Exception {
        Path log = Files.createTempFile("allotment-bench-broker", ".log");
        Process p = JavaChild.builder(List.of("-Xmx768m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                LocalBroker.class.getName(), List.of())
            .redirectError(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(LocalBroker.READY)) {
                String bootstrap = line.substring(LocalBroker.READY.length()).trim();
                System.out.println("local broker ready at " + bootstrap + " (log: " + log + ")");
                return new Broker(bootstrap, p, Map.of(), null);
            }
        }
        throw new IllegalStateException("the local broker exited before it was ready; its log: " + log);
    }

    /** Creates a topic of {@code partitions} partitions, replication 1 (an existing one is deleted first). */
    public void recreateTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(client())) {
            if (admin.listTopics().names().get().contains(name)) {
                admin.deleteTopics(List.of(name)).all().get();
                for (int i = 0; i < 100 && admin.listTopics().names().get().contains(name); i++) {
                    Thread.sleep(100);
                }
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) || attempt > 50) {
                        throw e;
                    }
                    Thread.sleep(200);  // the deletion is still in progress
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (child == null) {
            return;
        }
        child.getOutputStream().close();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
    }
}
