package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.Command;
import dev.allotment.events.ReserveLine;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.services.audit.TopicSnapshot;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.support.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine takes its own commands from allotment.engine-commands only (DESIGN §4: no record a platform may write
 * skips the order's rules). On a real broker: a line an older release left on allotment.commands before this release
 * started is still decided; a line sent there after the start is a dead letter and takes no stock.
 */
@ExtendWith(RealInfrastructure.class)
class EngineCommandsFenceEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-fence.");
    static final String ADMIN = "admin-key";

    private static Map<String, Object> settings(String applicationId) {
        return Map.of("allotment.api-keys", ADMIN + "=admin", "allotment.streams.application-id", TOPICS.prefix() + applicationId);
    }

    private static Command line(String orderId) {
        return Command.newBuilder().setCommandId(orderId + ":reserve:l-1").setIssuedAt(Instant.now()).setPrincipal("engine")
            .setOrderId(orderId).setPayload(new ReserveLine("l-1", "SKU-F", 2, "web", 0, Instant.now(), null, "al-" + orderId, false,
                null)).build();
    }

    @Test
    void anOlderReleasesLineLeftOnThePlatformsTopicIsDecidedAndOneSentAfterTheStartIsADeadLetter() throws Exception {
        byte[] left;
        byte[] forged;
        // the older release (standing in for it: an engine of another application) set up the stock, and stopped
        try (TestEngine older = TestEngine.start(TOPICS.prefix(), settings("older"))) {
            Http http = older.http();
            ok(http, "PUT", "/locations/wh-f", "{\"name\":\"F\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":true}");
            ok(http, "PUT", "/channels/web/routing", "{\"locations\":[\"wh-f\"]}");
            ok(http, "PUT", "/stock/wh-f/SKU-F", "{\"physical\":5}");
            await().atMost(Duration.ofSeconds(30)).until(() -> http.keyed(ADMIN, "GET", "/stock/SKU-F", null, null).status() == 200);
            AvroSerdes serdes = older.context().getBean(AvroSerdes.class);
            left = serdes.value(Command.class).serializer().serialize(TOPICS.commands(), line("o-left"));
            forged = serdes.value(Command.class).serializer().serialize(TOPICS.commands(), line("o-forged"));
        }
        send(left);   // on allotment.commands while no engine runs: what the older release left there

        try (TestEngine engine = TestEngine.start(TOPICS.prefix(), settings("newer"))) {
            Http http = engine.http();
            await().atMost(Duration.ofSeconds(60)).until(() -> available(http) == 3);   // 5, less the line left: decided

            send(forged);   // after the start: past the fence
            await().atMost(Duration.ofSeconds(60)).until(() -> refusals().size() == 1);
            assertTrue(refusals().get(0).startsWith("unsupported: ReserveLine is the engine's own command"), refusals().toString());

            // the engine goes on: an order's line, sent on the engine's own topic, is decided
            assertEquals(201, http.keyed(ADMIN, "POST", "/orders", "{\"order_id\":\"o-new\",\"channel\":\"web\","
                + "\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"SKU-F\",\"quantity\":1}]}", null).status());
            await().atMost(Duration.ofSeconds(30)).until(() -> available(http) == 2);
            assertEquals(2, available(http), "the forged line took nothing");
        }
    }

    private static void send(byte[] command) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.endpoints().bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.commands(), "SKU-F".getBytes(StandardCharsets.UTF_8), command)).get();
        }
    }

    /** The dead letters' reasons that say a record was the engine's own command. */
    private static List<String> refusals() throws Exception {
        return TopicSnapshot.read(RealInfrastructure.endpoints().bootstrapServers(), TOPICS.deadLetters()).records().stream()
            .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
            .filter(reason -> reason != null && reason.contains("is the engine's own command")).toList();
    }

    private static int available(Http http) {
        Http.Reply stock = http.keyed(ADMIN, "GET", "/stock/SKU-F", null, null);
        return stock.status() == 200 ? stock.json().path("totals").path("available").asInt() : -1;
    }

    private static JsonNode ok(Http http, String method, String path, String body) {
        Http.Reply reply = http.keyed(ADMIN, method, path, body, null);
        assertTrue(reply.status() / 100 == 2, method + " " + path + ": " + reply.status() + " " + reply.body());
        return reply.json();
    }
}
