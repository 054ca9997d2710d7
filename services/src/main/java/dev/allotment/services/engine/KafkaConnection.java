package dev.allotment.services.engine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client the engine creates reaches the cluster: Kafka Streams (and through it its producer, consumers
 * and admin), the edge's producer, the webhook consumer, the topic creator, the dead-letter producer, and the admin
 * clients that watch commits and transactions. One set of settings for all of them, so a secured cluster
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) is configured once: a properties file
 * ({@code ALLOTMENT_KAFKA_CONFIG_FILE}, as Kafka's own tools take {@code --command-config}), then
 * {@code allotment.kafka.config.*} over it, then the bootstrap servers ({@code allotment.kafka.bootstrap-servers}).
 * Each client adds its own settings (client id, acks, timeouts) over these. Secret values are never logged
 * ({@link #describe()}).
 */
public final class KafkaConnection {
    /** Settings whose values are secrets: shown as {@code [hidden]} wherever the engine prints the connection. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|user\\.info).*|.*\\.key");
    private final Map<String, Object> settings;

    private KafkaConnection(Map<String, Object> settings) {
        this.settings = Collections.unmodifiableMap(settings);
    }

    /**
     * The connection from the bootstrap servers, the properties file (null or blank: none) and the settings given one
     * by one, each over the one before. A file that cannot be read stops the start, naming it.
     */
    public static KafkaConnection of(String bootstrapServers, String file, Map<String, String> config) {
        Map<String, Object> settings = new HashMap<>();
        if (file != null && !file.isBlank()) {
            Properties fromFile = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file))) {
                fromFile.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the Kafka client settings file " + file
                    + " (ALLOTMENT_KAFKA_CONFIG_FILE): " + e, e);
            }
            fromFile.stringPropertyNames().forEach(k -> settings.put(k, fromFile.getProperty(k)));
        }
        // "file": the environment variable ALLOTMENT_KAFKA_CONFIG_FILE also reads as allotment.kafka.config.file
        config.forEach((k, v) -> {
            if (!k.equals("file")) {
                settings.put(k, v);
            }
        });
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaConnection(settings);
    }

    public String bootstrapServers() {
        return (String) settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** The connection's settings with a client's own over them ({@code key, value, key, value, …}), as a new map. */
    public Map<String, Object> with(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("settings come in key and value pairs");
        }
        Map<String, Object> client = new HashMap<>(settings);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            client.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return client;
    }

    /** The connection's settings alone. */
    public Map<String, Object> settings() {
        return settings;
    }

    /** The settings as they may be printed: every secret value replaced by {@code [hidden]}, keys sorted. */
    public String describe() {
        Map<String, Object> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, SECRET.matcher(k).matches() ? "[hidden]" : v));
        return shown.toString();
    }
}
