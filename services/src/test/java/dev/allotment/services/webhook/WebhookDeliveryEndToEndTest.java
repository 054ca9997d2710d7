package dev.allotment.services.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.allotment.events.AllocatedLine;
import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.events.Command;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.LocationFeed;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhooks of allocation requests against a real broker and registry, with a local HTTP receiver as the
 * supplier: what it receives (body, headers, a signature that verifies), retries on 500, giving up on a
 * receiver that is down or refuses, and the outcome reported to the engine as a command keyed by SKU.
 */
@ExtendWith(RealInfrastructure.class)
class WebhookDeliveryEndToEndTest {
    static final String KEY = "admin-key";
    static final String SECRET = "whsec-end-to-end";
    static final String PUBLIC_URL = "https://allotment.example.com/edge";
    static final int MAX_ATTEMPTS = 4;
    static final Topics TOPICS = Topics.withPrefix("e2e-hooks.");
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the receiver saw it. */
    record Received(String path, Map<String, String> headers, byte[] body, long receivedAtSeconds) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    static final Map<String, Queue<Received>> RECEIVED = new ConcurrentHashMap<>();
    static final Map<String, Queue<Integer>> ANSWERS = new ConcurrentHashMap<>();
    static HttpServer receiver;
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            RECEIVED.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>())
                .add(new Received(path, headers, body, System.currentTimeMillis() / 1000));
            Integer status = ANSWERS.getOrDefault(path, new ConcurrentLinkedQueue<>()).poll();
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            exchange.close();
        });
        receiver.start();
        engine = TestEngine.start(TOPICS.prefix(), Map.of(
            "allotment.api-keys", KEY + "=admin",
            "allotment.webhooks.secret", SECRET,
            "allotment.webhooks.allowed-hosts", "127.0.0.1",
            "allotment.webhooks.public-url", PUBLIC_URL + "/",
            "allotment.webhooks.max-attempts", MAX_ATTEMPTS,
            "allotment.webhooks.initial-backoff", "20ms",
            "allotment.webhooks.max-backoff", "100ms",
            "allotment.webhooks.request-timeout", "3s"));
        http = engine.http();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aSupplierReceivesOneSignedRequestPerSkuAndEachDeliveryIsReported() throws Exception {
        supplierWithWebhook("sup-ok", "Supplier OK", receiverUrl("/ok"));
        placeOrder("hook-ok:1", "sup-ok", "HOOK-A", "HOOK-B");

        List<ConsumerRecord<String, AllocationEvent>> requests = awaitRequests("hook-ok:1", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> received("/ok").size() >= 2);
        for (ConsumerRecord<String, AllocationEvent> record : requests) {
            AllocationEvent event = record.value();
            AllocationRequested request = (AllocationRequested) event.getPayload();
            Received got = received("/ok").stream().filter(r -> event.getEventId().equals(r.header("Idempotency-Key")))
                .findFirst().orElseThrow(() -> new AssertionError("no webhook with Idempotency-Key " + event.getEventId()));
            assertEquals(expectedBody(event, request, "Supplier OK"), JSON.readTree(got.body()));
            assertEquals("application/json", got.header("Content-Type"));
            assertEquals("allotment-webhooks", got.header("User-Agent"));
            assertSignedWithTheSecret(got);

            ConsumerRecord<String, Command> report = awaitCommand("webhook:" + event.getEventId());
            assertEquals(request.getLines().get(0).getSku(), report.key(), "the report is keyed by the request's SKU");
            assertEquals(event.getOrderId(), report.value().getOrderId());
            MarkRequestSent sent = assertInstanceOf(MarkRequestSent.class, report.value().getPayload());
            assertEquals(request.getAllocationId(), sent.getAllocationId());
            assertEquals(1, sent.getAttempts());
        }
        assertEquals(2, received("/ok").size(), "one webhook per AllocationRequested, none repeated");
    }

    @Test
    void aReceiverAnswering500TwiceGetsThreeAttemptsWithTheSameKeyAndBodyThenTheOffsetIsCommitted() throws Exception {
        answers("/flaky", 500, 500);
        supplierWithWebhook("sup-flaky", "Flaky", receiverUrl("/flaky"));
        placeOrder("hook-flaky-1", "sup-flaky", "HOOK-F");

        ConsumerRecord<String, AllocationEvent> request = awaitRequests("hook-flaky-1", 1).get(0);
        AllocationEvent event = request.value();
        ConsumerRecord<String, Command> report = awaitCommand("webhook:" + event.getEventId());
        MarkRequestSent sent = assertInstanceOf(MarkRequestSent.class, report.value().getPayload());
        assertEquals(3, sent.getAttempts());
        assertEquals("HOOK-F", report.key());
        List<Received> attempts = received("/flaky");
        assertEquals(3, attempts.size(), "two 500s, then the 200");
        for (Received attempt : attempts) {
            assertEquals(event.getEventId(), attempt.header("Idempotency-Key"));
            assertEquals(JSON.readTree(attempts.get(0).body()), JSON.readTree(attempt.body()));
            assertSignedWithTheSecret(attempt);
        }
        TopicPartition partition = new TopicPartition(request.topic(), request.partition());
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOffset(partition) > request.offset());
    }

    @Test
    void aReceiverThatIsDownMakesTheDeliveryFailAfterEveryAttempt() throws Exception {
        int closedPort = RealInfrastructure.freePort();
        supplierWithWebhook("sup-down", "Down", "http://127.0.0.1:" + closedPort + "/hooks");
        placeOrder("hook-down-1", "sup-down", "HOOK-D");

        AllocationEvent event = awaitRequests("hook-down-1", 1).get(0).value();
        ConsumerRecord<String, Command> report = awaitCommand("webhook:" + event.getEventId());
        MarkRequestSendFailed failed = assertInstanceOf(MarkRequestSendFailed.class, report.value().getPayload());
        assertEquals(((AllocationRequested) event.getPayload()).getAllocationId(), failed.getAllocationId());
        assertEquals(MAX_ATTEMPTS, failed.getAttempts());
        assertTrue(failed.getError() != null && failed.getError().contains(":" + closedPort), "the error names the receiver: " + failed.getError());
        assertEquals("HOOK-D", report.key());
    }

    @Test
    void aReceiverRefusingWith404IsNotAskedAgain() throws Exception {
        answers("/gone", 404);
        supplierWithWebhook("sup-gone", "Gone", receiverUrl("/gone"));
        placeOrder("hook-gone-1", "sup-gone", "HOOK-G");

        AllocationEvent event = awaitRequests("hook-gone-1", 1).get(0).value();
        MarkRequestSendFailed failed = assertInstanceOf(MarkRequestSendFailed.class,
            awaitCommand("webhook:" + event.getEventId()).value().getPayload());
        assertEquals(1, failed.getAttempts());
        assertTrue(failed.getError().contains("HTTP 404"), failed.getError());
        assertEquals(1, received("/gone").size());
    }

    @Test
    void aFailedDeliveryIsSentAgainByAnAdminAsItWasFirstSentAndTheRequestBecomesSent() throws Exception {
        answers("/later", 404);   // refused once; the re-send is answered 200
        supplierWithWebhook("sup-later", "Later", receiverUrl("/later"));
        placeOrder("hook-later-1", "sup-later", "HOOK-L");
        AllocationEvent event = awaitRequests("hook-later-1", 1).get(0).value();
        String requestId = ((AllocationRequested) event.getPayload()).getAllocationId();
        assertInstanceOf(MarkRequestSendFailed.class, awaitCommand("webhook:" + event.getEventId()).value().getPayload());
        await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(requestStatus(requestId)));

        Http.Reply resent = call("POST", "/admin/allocation-requests/" + requestId + "/resend", null);
        assertEquals(202, resent.status(), resent.body());
        assertEquals(1, resent.json().path("webhooks").asInt());
        await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(requestStatus(requestId)));
        List<Received> attempts = received("/later");
        assertEquals(2, attempts.size(), "the refused first sending and the re-send");
        assertEquals(event.getEventId(), attempts.get(1).header("Idempotency-Key"), "the same key: a receiver that took it drops it");
        assertEquals(JSON.readTree(attempts.get(0).body()), JSON.readTree(attempts.get(1).body()));
        assertSignedWithTheSecret(attempts.get(1));

        Http.Reply again = call("POST", "/admin/allocation-requests/" + requestId + "/resend", null);
        assertEquals(409, again.status(), again.body());
        assertEquals("not_failed", again.json().path("error").asText());
        assertEquals(404, call("POST", "/admin/allocation-requests/no-such-request/resend", null).status());
    }

    @Test
    void aSupplierIsToldWhenItsRequestNoLongerStandsBecauseTheOrderWasCancelled() throws Exception {
        supplierWithWebhook("sup-end", "Ends", receiverUrl("/end"));
        placeOrder("hook-end-1", "sup-end", "HOOK-END");
        AllocationEvent made = awaitRequests("hook-end-1", 1).get(0).value();
        String requestId = ((AllocationRequested) made.getPayload()).getAllocationId();
        await().atMost(Duration.ofSeconds(30)).until(() -> received("/end").size() == 1);

        ok(call("POST", "/orders/hook-end-1/cancel", "{\"reason\":\"customer asked\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> received("/end").size() == 2);
        Received ended = received("/end").get(1);
        JsonNode body = JSON.readTree(ended.body());
        // Centra's "outdated": the order changed (here: was cancelled), so the request no longer stands
        assertEquals("allocation_request.outdated", body.path("type").asText(), body.toString());
        assertEquals(body.path("id").asText(), ended.header("Idempotency-Key"), "its own event's id");
        assertTrue(!made.getEventId().equals(body.path("id").asText()), "not the request's event");
        JsonNode request = body.path("allocation_request");
        assertEquals(requestId, request.path("id").asText());
        assertEquals("outdated", request.path("status").asText());
        assertEquals("sup-end", request.path("warehouseId").asText());
        assertEquals("hook-end-1", request.path("order").path("id").asText());
        assertSignedWithTheSecret(ended);
    }

    /** An allocation request's status, as an admin reads it. */
    static String requestStatus(String requestId) {
        return call("GET", "/allocation-requests/" + requestId, null).json().path("allocation_request").path("status").asText();
    }

    @Test
    void aWebhookUrlPointingInsideByNowIsNotCalled() throws Exception {
        // a receiver on another loopback address, which the allow-list (127.0.0.1) does not let through
        HttpServer inside = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        Queue<String> called = new ConcurrentLinkedQueue<>();
        inside.createContext("/", exchange -> {
            called.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        inside.start();
        try {
            // saved before the check existed, or its name resolves elsewhere by now: the edge would refuse it today
            String url = "http://127.0.0.2:" + inside.getAddress().getPort() + "/inside";
            assertEquals(422, call("PUT", "/locations/sup-inside", "{\"webhook_url\":\"" + url + "\"}").status());
            LocationFeed.publish(TOPICS, new LocationUpserted("sup-inside", "Inside", LocationKind.SUPPLIER, ConfirmMode.CONFIRM, 3600, false, url));
            await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/locations/sup-inside", null).status() == 200);
            ok(call("PUT", "/channels/ch-sup-inside/routing", "{\"locations\":[\"sup-inside\"]}"));
            placeOrder("hook-inside-1", "sup-inside", "HOOK-I");

            AllocationEvent event = awaitRequests("hook-inside-1", 1).get(0).value();
            MarkRequestSendFailed failed = assertInstanceOf(MarkRequestSendFailed.class,
                awaitCommand("webhook:" + event.getEventId()).value().getPayload());
            assertEquals(0, failed.getAttempts(), "no HTTP attempt made");
            assertTrue(failed.getError().contains("not allowed") && failed.getError().contains("loopback"), failed.getError());
            assertEquals(List.of(), new ArrayList<>(called), "nothing reached the address inside");
        } finally {
            inside.stop(0);
        }
    }

    // --- set-up over the REST API, as a platform would ---

    static void supplierWithWebhook(String id, String name, String webhookUrl) {
        ok(call("PUT", "/locations/" + id, "{\"name\":\"" + name + "\",\"kind\":\"SUPPLIER\",\"confirm_mode\":\"CONFIRM\","
            + "\"confirm_timeout_seconds\":3600,\"tracks_stock\":false,\"webhook_url\":\"" + webhookUrl + "\"}"));
        ok(call("PUT", "/channels/ch-" + id + "/routing", "{\"locations\":[\"" + id + "\"]}"));
    }

    /** An order on the supplier's channel with one line of 2 per SKU, auto-allocated at the supplier. */
    static void placeOrder(String orderId, String supplier, String... skus) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < skus.length; i++) {
            lines.append(i == 0 ? "" : ",").append("{\"line_id\":\"l-").append(i + 1).append("\",\"sku\":\"")
                .append(skus[i]).append("\",\"quantity\":2}");
        }
        Http.Reply placed = call("POST", "/orders", "{\"order_id\":\"" + orderId + "\",\"channel\":\"ch-" + supplier
            + "\",\"lines\":[" + lines + "]}");
        assertEquals(201, placed.status(), placed.body());
    }

    static void answers(String path, Integer... statuses) {
        ANSWERS.put(path, new ConcurrentLinkedQueue<>(List.of(statuses)));
    }

    static String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    static List<Received> received(String path) {
        return new ArrayList<>(RECEIVED.getOrDefault(path, new ConcurrentLinkedQueue<>()));
    }

    static Http.Reply call(String method, String path, String body) {
        return http.send(method, path, body, "Authorization", "Bearer " + KEY);
    }

    static void ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
    }

    // --- what the supplier should get ---

    /** The body as docs/webhooks.md describes it, built here independently of the sender. */
    static JsonNode expectedBody(AllocationEvent event, AllocationRequested request, String locationName) {
        String encodedOrder = java.net.URLEncoder.encode(event.getOrderId(), StandardCharsets.UTF_8).replace("+", "%20");
        ObjectNode body = JSON.createObjectNode().put("type", "allocation_request.created").put("id", event.getEventId());
        ObjectNode allocation = body.putObject("allocation_request").put("id", request.getAllocationId())
            .put("status", "allocated").put("warehouseId", request.getLocationId()).put("warehouseName", locationName)
            .put("expirationDate", request.getExpiresAt() == null ? null : request.getExpiresAt().toString());
        allocation.putObject("order").put("id", event.getOrderId());
        ArrayNode lines = allocation.putArray("lines");
        for (AllocatedLine line : request.getLines()) {
            lines.addObject().put("lineId", line.getLineId()).put("quantity", line.getQuantity()).put("stockItemId", line.getSku());
        }
        allocation.put("createdAt", event.getOccurredAt().toString());
        String requestUrl = PUBLIC_URL + "/allocation-requests/"
            + java.net.URLEncoder.encode(request.getAllocationId(), StandardCharsets.UTF_8).replace("+", "%20");
        body.putObject("answer").put("confirm", requestUrl + "/confirm").put("reject", requestUrl + "/reject")
            .put("supplier", PUBLIC_URL + "/orders/allocation/" + encodedOrder + "/");
        return body;
    }

    static void assertSignedWithTheSecret(Received got) throws Exception {
        String header = got.header("X-Allotment-Signature");
        assertTrue(header != null && header.matches("t=\\d+,v1=[0-9a-f]{64}"), "signature header: " + header);
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(mac.doFinal(got.body())), v1, "the signature verifies with the configured secret");
        assertTrue(Math.abs(got.receivedAtSeconds() - Long.parseLong(t)) <= 60, "signed at delivery time: t=" + t);
    }

    /** The sender group's committed offset on {@code partition} (-1 when none). */
    static long committedOffset(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                RealInfrastructure.endpoints().bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(TOPICS.prefix() + "engine-webhooks")
                .partitionsToOffsetAndMetadata().get().get(partition);
            return committed == null ? -1 : committed.offset();
        }
    }

    // --- reading the log back, as any read_committed consumer would ---

    static List<ConsumerRecord<String, AllocationEvent>> awaitRequests(String orderId, int count) throws Exception {
        List<ConsumerRecord<String, AllocationEvent>> found = readUntil(TOPICS.allocationEvents(), AllocationEvent.class,
            r -> orderId.equals(r.key()) && r.value().getPayload() instanceof AllocationRequested, count);
        return found;
    }

    static ConsumerRecord<String, Command> awaitCommand(String commandId) throws Exception {
        return readUntil(TOPICS.commands(), Command.class, r -> commandId.equals(r.value().getCommandId()), 1).get(0);
    }

    /** Reads {@code topic} from the beginning until {@code count} records match (30 s at most). */
    static <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> readUntil(String topic, Class<T> type, Predicate<ConsumerRecord<String, T>> match,
                                                        int count) throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        Deserializer<T> decoder = new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl())).value(type).deserializer();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, T>> found = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(), decoder)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("found " + found.size() + " of " + count + " matching records on " + topic + ": " + found);
                }
                for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }
}
