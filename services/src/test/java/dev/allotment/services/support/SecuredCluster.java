package dev.allotment.services.support;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A KRaft broker from Kafka's own artifacts ({@link BrokerProcess}) secured as a managed cluster is: its one client
 * listener is SASL_SSL with SCRAM-SHA-512, its certificate signed by a CA made at test time ({@link TestCa}), and its
 * controller listener is TLS. No listener takes plaintext. Two SCRAM users exist from the format on: {@link #ADMIN} (the
 * broker's own, between its listeners) and {@link #USER}, the engine's.
 */
public final class SecuredCluster implements AutoCloseable {
    public static final String ADMIN = "admin";
    public static final String USER = "allotment";
    public static final String PASSWORD = "allotment-scram-secret";
    private static final String ADMIN_PASSWORD = "admin-scram-secret";

    private final TestCa ca;
    private final BrokerProcess broker;
    private final Path dir;

    private SecuredCluster(TestCa ca, BrokerProcess broker, Path dir) {
        this.ca = ca;
        this.broker = broker;
        this.dir = dir;
    }

    /** Makes the CA and the broker's keystore in {@code dir}, then formats and starts the broker there. */
    public static SecuredCluster start(Path dir) throws Exception {
        TestCa ca = TestCa.create(dir.resolve("tls"), "allotment-test-ca");
        Path keystore = ca.issue("broker");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"), (port, controllerPort) -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
            p.put("inter.broker.listener.name", "SASL_SSL");
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(ADMIN, ADMIN_PASSWORD));
            p.put("ssl.keystore.location", keystore.toString());
            p.put("ssl.keystore.password", TestCa.PASSWORD);
            p.put("ssl.keystore.type", "PKCS12");
            p.putAll(trusting(ca.truststore()));
            p.put("ssl.endpoint.identification.algorithm", "https");
            return p;
        }, List.of("--add-scram", "SCRAM-SHA-512=[name=" + ADMIN + ",password=" + ADMIN_PASSWORD + "]",
            "--add-scram", "SCRAM-SHA-512=[name=" + USER + ",password=" + PASSWORD + "]"));
        return new SecuredCluster(ca, broker, dir);
    }

    public String bootstrap() {
        return broker.bootstrap();
    }

    /** The CA the broker's certificate is signed by (a registry front may take a certificate from it too). */
    public TestCa ca() {
        return ca;
    }

    /** Client settings for {@code user} with {@code password}, trusting {@code truststore}: what a shop's client.properties holds. */
    public static Map<String, String> clientSettings(String user, String password, Path truststore) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", "SCRAM-SHA-512");
        s.put("sasl.jaas.config", jaas(user, password));
        s.putAll(trusting(truststore));
        return s;
    }

    /** The settings that trust the certificates of {@code truststore} (one of {@link TestCa}'s). */
    private static Map<String, String> trusting(Path truststore) {
        return Map.of("ssl.truststore.location", truststore.toString(), "ssl.truststore.password", TestCa.PASSWORD,
            "ssl.truststore.type", "PKCS12");
    }

    /** The engine user's settings, trusting the cluster's CA. */
    public Map<String, String> clientSettings() {
        return clientSettings(USER, PASSWORD, ca.truststore());
    }

    /** {@code settings} written as a properties file named {@code name} (for ALLOTMENT_KAFKA_CONFIG_FILE). */
    public Path write(String name, Map<String, String> settings) throws Exception {
        Path file = dir.resolve(name);
        Properties p = new Properties();
        p.putAll(settings);
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "Kafka client settings written by the test");
        }
        return file;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
            + password + "\";";
    }

    @Override
    public void close() throws InterruptedException {
        broker.close();
    }
}
