package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.AuditRun;
import dev.allotment.services.engine.KafkaConnection;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.RegistryFront;
import dev.allotment.services.support.SecuredCluster;
import dev.allotment.services.support.TempDirs;
import dev.allotment.services.support.TestCa;
import dev.allotment.services.support.TestEngine;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17: the engine against a cluster secured as a shop's is. A KRaft broker whose only client listener is SASL_SSL
 * (SCRAM-SHA-512, certificate from a CA made at test time), and the schema registry's Confluent API at the root of an
 * {@code https} URL behind basic auth. An order over REST and one a client publishes with the same settings are both
 * allocated, a webhook is delivered, and nothing connects in plaintext. Then the start-up errors an operator meets
 * first, each stopping the start and naming what to mend.
 */
@ExtendWith(RealInfrastructure.class)
class SecuredClusterIT {
    static final String KEY = "secured-admin-key";
    static final String REGISTRY_USER_INFO = "engine:registry-secret";
    static final Topics TOPICS = Topics.withPrefix("secured.");
    static final ConcurrentLinkedQueue<String> WEBHOOKS = new ConcurrentLinkedQueue<>();
    static Path dir;
    static SecuredCluster cluster;
    static RegistryFront registry;
    static HttpServer receiver;
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = TempDirs.create("allotment-secured");
        cluster = SecuredCluster.start(dir);
        registry = RegistryFront.start(cluster.ca().issue("registry"), RealInfrastructure.endpoints().registryUrl(),
            REGISTRY_USER_INFO);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            WEBHOOKS.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        engine = TestEngine.start(TOPICS.prefix(), engineSettings(TOPICS, cluster.write("client.properties",
            cluster.clientSettings())));
        http = engine.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (registry != null) {
            registry.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What a shop sets: the cluster's address, its client.properties, the registry's URL, credentials and CA. */
    static Map<String, Object> engineSettings(Topics topics, Path clientProperties) {
        Map<String, Object> s = new HashMap<>();
        s.put("allotment.kafka.bootstrap-servers", cluster.bootstrap());
        s.put("allotment.kafka.config-file", clientProperties.toString());
        s.put("allotment.registry.url", registry.url());
        s.put("allotment.registry.basic-auth-user-info", REGISTRY_USER_INFO);
        s.put("allotment.registry.ssl.truststore-location", cluster.ca().truststore().toString());
        s.put("allotment.registry.ssl.truststore-password", TestCa.PASSWORD);
        s.put("allotment.topics.prefix", topics.prefix());
        s.put("allotment.streams.application-id", topics.prefix() + "engine");
        s.put("allotment.api-keys", KEY + "=admin");
        s.put("allotment.webhooks.allowed-hosts", "127.0.0.1");
        s.put("allotment.webhooks.secret", "secured-webhook-secret");
        return s;
    }

    static Http.Reply call(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + KEY);
    }

    static void ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
    }

    static JsonNode awaitAllocated(String orderId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> "allocated".equals(
            call("GET", "/orders/" + orderId, null).json().path("status").asText()));
        return call("GET", "/orders/" + orderId, null).json();
    }

    @Test
    void anOrderOverRestAndOnePublishedByASecuredClientAreAllocatedAndAWebhookIsDelivered() throws Exception {
        ok(call("PUT", "/locations/wh-1", "{\"name\":\"One\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(call("PUT", "/channels/web/routing", "{\"locations\":[\"wh-1\"]}"));
        ok(call("PUT", "/stock/wh-1/SEC-A", "{\"physical\":10}"));

        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"rest-1\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"l-1\","
            + "\"sku\":\"SEC-A\",\"quantity\":2}]}").status());
        assertEquals(2, awaitAllocated("rest-1").path("lines").get(0).path("allocated_quantity").asInt());

        // a platform's own producer, with the shop's client settings and the registry's credentials and CA
        Map<String, Object> producerSettings = new HashMap<>(cluster.clientSettings());
        producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        RegistryConnection registryConnection = new RegistryConnection(registry.url(), REGISTRY_USER_INFO,
            cluster.ca().truststore(), TestCa.PASSWORD, null);
        Instant now = Instant.now();
        OrderEvent placed = OrderEvent.newBuilder().setEventId("client-order-1").setOccurredAt(now)
            .setPayload(OrderPlaced.newBuilder().setOrderId("client-1").setChannel("web").setPriority(0).setPlacedAt(now)
                .setLines(List.of(new OrderLine("l-1", "SEC-A", 3))).build()).build();
        try (KafkaProducer<String, OrderEvent> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
            new RegistryAvroSerdes(registryConnection).value(OrderEvent.class).serializer())) {
            producer.send(new ProducerRecord<>(TOPICS.orderEvents(), "client-1", placed)).get(30, TimeUnit.SECONDS);
        }
        assertEquals(3, awaitAllocated("client-1").path("lines").get(0).path("allocated_quantity").asInt());
        JsonNode stock = call("GET", "/stock/SEC-A", null).json().path("totals");
        assertEquals(5, stock.path("allocated").asInt(), stock.toString());

        // a supplier confirming by webhook: the request reaches it through the webhook consumer on the secured cluster
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        ok(call("PUT", "/locations/sup-1", "{\"name\":\"Supplier\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":3600,\"tracks_stock\":false,\"webhook_url\":\"" + hook + "\"}"));
        ok(call("PUT", "/channels/drop/routing", "{\"locations\":[\"sup-1\"]}"));
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"drop-1\",\"channel\":\"drop\",\"lines\":[{\"line_id\":\"l-1\","
            + "\"sku\":\"SEC-B\",\"quantity\":1}]}").status());
        await().atMost(Duration.ofSeconds(30)).until(() -> WEBHOOKS.stream().anyMatch(b -> b.contains("drop-1")));

        // the audit, as ./allotment audit --command-config reads the secured cluster, finds the engine's state in its logs
        // (asked again until the engine is quiet: the order's fold may still be one commit behind the webhook)
        KafkaConnection auditKafka = KafkaConnection.of(cluster.bootstrap(), cluster.write("audit.properties",
            cluster.clientSettings()).toString(), Map.of());
        String engineBase = "http://127.0.0.1:" + engine.context().getProperty("micronaut.server.port", Integer.class).orElseThrow();
        java.util.concurrent.atomic.AtomicReference<AuditRun.Result> last = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            last.set(AuditRun.of(auditKafka, TOPICS, new RegistryAvroSerdes(registryConnection), engineBase, KEY));
            return last.get().differences().isEmpty();
        });
        AuditRun.Result audit = last.get();
        assertFalse(audit.summary().startsWith("audit: 0 decisions"), "it read the decision log: " + audit.summary());
    }

    @Test
    void theBrokerTakesNoPlaintextClient() throws Exception {
        String properties = Files.readString(dir.resolve("broker/server.properties"));
        String listeners = properties.lines().filter(l -> l.startsWith("listeners=")).reduce((a, b) -> b).orElseThrow();
        assertEquals("listeners=SASL_SSL://" + cluster.bootstrap() + ",CONTROLLER:", listeners.substring(0,
            listeners.indexOf("CONTROLLER:") + "CONTROLLER:".length()), listeners);
        assertTrue(properties.contains("listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL"));
        try (Admin plaintext = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000))) {
            assertThrows(ExecutionException.class, () -> plaintext.describeCluster().clusterId().get(),
                "a plaintext client gets no answer");
        }
    }

    // --- what stops the start, and says so ---

    /** Every message of the failure's causes, outermost first. */
    static String startFailure(Topics topics, Map<String, Object> over) throws Exception {
        Map<String, Object> settings = engineSettings(topics, cluster.write(topics.prefix() + "client.properties",
            cluster.clientSettings()));
        settings.putAll(over);
        long started = System.nanoTime();
        Throwable failure = assertThrows(Throwable.class, () -> TestEngine.start(topics.prefix(), settings).close());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), "the start stops at once, not after retries");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        return messages.toString();
    }

    @Test
    void aWrongPasswordStopsTheStart() throws Exception {
        Path wrong = cluster.write("wrong-password.properties",
            SecuredCluster.clientSettings(SecuredCluster.USER, "not-the-password", cluster.ca().truststore()));
        String failure = startFailure(Topics.withPrefix("secured-wrong-password."), Map.of("allotment.kafka.config-file",
            wrong.toString()));
        assertTrue(failure.contains("Authentication failed") && failure.contains("SCRAM-SHA-512"), failure);
        assertFalse(failure.contains("not-the-password"), "the password is not printed: " + failure);
    }

    @Test
    void aCertificateFromAnotherCaStopsTheStart() throws Exception {
        TestCa other = TestCa.create(dir.resolve("other-ca"), "some-other-ca");
        Path untrusting = cluster.write("untrusting.properties",
            SecuredCluster.clientSettings(SecuredCluster.USER, SecuredCluster.PASSWORD, other.truststore()));
        String failure = startFailure(Topics.withPrefix("secured-untrusted."), Map.of("allotment.kafka.config-file",
            untrusting.toString()));
        assertTrue(failure.contains("SSL handshake failed"), failure);
    }

    @Test
    void aRegistryUrlThatIsNotTheConfluentApiStopsTheStartNamingIt() throws Exception {
        String apicurioRoot = RealInfrastructure.endpoints().registryUrl().replace("/apis/ccompat/v7", "");
        String failure = startFailure(Topics.withPrefix("secured-registry-root."), Map.of("allotment.registry.url", apicurioRoot,
            "allotment.registry.basic-auth-user-info", "", "allotment.registry.ssl.truststore-location", ""));
        assertTrue(failure.contains("the schema registry URL " + apicurioRoot + " does not answer the Confluent Schema Registry"
            + " API"), failure);
        String refused = startFailure(Topics.withPrefix("secured-registry-auth."), Map.of(
            "allotment.registry.basic-auth-user-info", "engine:wrong"));
        assertTrue(refused.contains("refused the engine's credentials (HTTP 401"), refused);
    }

    @Test
    void aPreCreatedTopicWithTheWrongPartitionCountStopsTheStartNamingBoth() throws Exception {
        Topics topics = Topics.withPrefix("secured-partitions.");
        Map<String, Object> admin = new HashMap<>(cluster.clientSettings());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(topics.commands(), 3, (short) 1))).all().get();
        }
        String failure = startFailure(topics, Map.of("allotment.topics.partitions", 2));
        assertTrue(failure.contains("topic secured-partitions.commands has 3 partitions and secured-partitions.stock-events has"
            + " 2: they must be co-partitioned"), failure);

        Topics missing = Topics.withPrefix("secured-missing.");
        String notCreated = startFailure(missing, Map.of("allotment.topics.create", false));
        assertTrue(notCreated.contains("topic secured-missing.order-events does not exist"), notCreated);
    }
}
