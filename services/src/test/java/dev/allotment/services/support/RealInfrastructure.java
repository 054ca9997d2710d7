package dev.allotment.services.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives tests a real Kafka broker and a real schema registry, started once per test JVM: a Testcontainers
 * broker where Docker runs, otherwise an in-process KRaft broker (KafkaClusterTestKit); and Apicurio
 * Registry 2.4.2 as a child process from deploy/registry (built by {@code ./allotment test}).
 */
public final class RealInfrastructure implements BeforeAllCallback {
    private static Endpoints endpoints;

    /** Where the running broker and registry answer: the registry's Confluent API base URL. */
    public record Endpoints(String bootstrapServers, String registryUrl) {}

    private static final java.util.List<AutoCloseable> RUNNING = new java.util.ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        endpoints();
        // stop broker and registry when the whole run ends, before the JVM exits (not in a shutdown hook,
        // where a broker stopping beside the test framework's own shutdown made the fork exit non-zero)
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(RealInfrastructure.class, k -> (ExtensionContext.Store.CloseableResource) RealInfrastructure::stopAll);
    }

    static synchronized void stopAll() {
        for (int i = RUNNING.size() - 1; i >= 0; i--) {
            try {
                RUNNING.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping test infrastructure: " + e);
            }
        }
        RUNNING.clear();
        endpoints = null;
    }

    public static synchronized Endpoints endpoints() throws Exception {
        if (endpoints == null) {
            String bootstrap = startKafka();
            String registry = System.getenv("ALLOTMENT_TEST_REGISTRY_URL") != null
                ? System.getenv("ALLOTMENT_TEST_REGISTRY_URL") : startRegistry();
            endpoints = new Endpoints(bootstrap, registry);
        }
        return endpoints;
    }

    private static String startKafka() throws Exception {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.0");
            kafka.start();
            RUNNING.add(kafka::stop);
            return kafka.getBootstrapServers();
        }
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        RUNNING.add(cluster);
        return cluster.bootstrapServers();
    }

    private static String startRegistry() throws Exception {
        RegistryProcess registry = RegistryProcess.start(TempDirs.create("allotment-test-registry"), freePort());
        RUNNING.add(registry);
        return registry.confluentApi();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The test JVM's system property that runs every test engine with its SKU tasks on a Kafka Streams client of their
     * own, committing this often (ms): the engine's {@link #SKU_CLIENT_SETTING}. The build's second pass of the
     * integration suites sets it (services/pom.xml); unset, the engines run one client, the default.
     */
    public static final String SKU_CLIENT_PROPERTY = "allotment.test.sku-commit-interval-ms";
    public static final String SKU_CLIENT_SETTING = "allotment.streams.sku-commit-interval-ms";

    /** The SKU client's commit interval every test engine is to run with, if this JVM is the SKU client's pass. */
    public static Optional<String> skuCommitInterval() {
        return Optional.ofNullable(System.getProperty(SKU_CLIENT_PROPERTY)).filter(v -> !v.isBlank());
    }

    /** Engine properties pointing at the shared infrastructure, isolated by {@code prefix}. */
    public static Map<String, Object> engineProperties(String prefix, Path stateDir, int httpPort) throws Exception {
        Endpoints e = endpoints();
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(
            "allotment.kafka.bootstrap-servers", e.bootstrapServers(),
            "allotment.registry.url", e.registryUrl(),
            "allotment.topics.prefix", prefix,
            "allotment.topics.partitions", 2,
            "allotment.streams.application-id", prefix + "engine",
            "allotment.streams.state-dir", stateDir.toString(),
            "micronaut.server.port", httpPort));
        skuCommitInterval().ifPresent(ms -> properties.put(SKU_CLIENT_SETTING, ms));
        return properties;
    }
}
