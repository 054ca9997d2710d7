package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.support.DeadLetters;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The walking skeleton end to end against a real broker and registry: orders placed over HTTP or
 * published by a plain producer in the Confluent wire format become reservations readable over HTTP.
 */
@ExtendWith(RealInfrastructure.class)
class WalkingSkeletonEndToEndTest {
    static final String PLATFORM = "Bearer platform-key";
    static final String ANALYST = "Bearer analyst-key";
    static final Topics TOPICS = Topics.withPrefix("e2e-skeleton.");
    static TestEngine engine;
    static Http http;
    static RealInfrastructure.Endpoints infra;

    @BeforeAll
    static void start() throws Exception {
        infra = RealInfrastructure.endpoints();
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "platform-key=platform,analyst-key=analyst,admin-key=admin"));
        http = engine.http();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static String order(String id, int q1, int q2) {
        return "{\"order_id\":\"" + id + "\",\"order_number\":\"1001\",\"channel\":\"web\",\"priority\":0,\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"SKU-1\",\"quantity\":" + q1 + "},"
            + "{\"line_id\":\"l-2\",\"sku\":\"SKU-2\",\"quantity\":" + q2 + "}]}";
    }

    @Test
    void anOrderPostedWithTwoLinesIsReservedWithNothingAllocated() {
        Http.Reply placed = http.send("POST", "/orders", order("rest-1", 2, 5), "Authorization", PLATFORM);
        assertEquals(201, placed.status(), placed.body());
        assertEquals("reserved", placed.json().path("status").asText());

        JsonNode reservation = findReservation("rest-1");
        assertEquals(2, reservation.path("items").size());
        assertEquals(List.of(2, 5), List.of(reservation.path("items").get(0).path("quantity").asInt(),
            reservation.path("items").get(1).path("quantity").asInt()));
        reservation.path("items").forEach(item -> assertEquals(0, item.path("allocated_quantity").asInt(-1)));
        assertEquals("SKU-1", reservation.path("items").get(0).path("id").asText());
    }

    @Test
    void oneInstanceAnswersItsOwnOrdersAndStockAtOnceAndTheRoutesAnswerTheSame() {
        assertEquals(201, http.send("POST", "/orders", order("rest-once", 1, 2), "Authorization", PLATFORM).status());
        EngineState state = engine.context().getBean(EngineState.class);
        // the only instance holds every partition: each keyed read is answered at once, found or not (no wait, no hop)
        Optional<OrderProjection> once = state.orderAtOnce("rest-once").orElseThrow();
        assertEquals(state.order("rest-once"), once);
        assertEquals("rest-once", once.orElseThrow().getOrderId());
        assertEquals(Optional.of(Optional.empty()), state.orderAtOnce("rest-never-placed"));
        assertEquals(Optional.of(state.stock("SKU-1")), state.stockAtOnce("SKU-1"));

        Http.Reply got = http.send("GET", "/orders/rest-once", null, "Authorization", ANALYST);
        assertEquals(200, got.status(), got.body());
        assertEquals(2, got.json().path("lines").get(1).path("quantity").asInt());
        Http.Reply missing = http.send("GET", "/orders/rest-never-placed", null, "Authorization", ANALYST);
        assertEquals(404, missing.status(), missing.body());
        assertEquals("not_found", missing.json().path("error").asText(), missing.body());
        assertEquals(state.stock("SKU-1").isPresent() ? 200 : 404, http.send("GET", "/stock/SKU-1", null, "Authorization", ANALYST).status());
        // as_of is read off the event loop; its bad value is still a 400 naming the field
        Http.Reply badAsOf = http.send("GET", "/orders/rest-once?as_of=yesterday", null, "Authorization", ANALYST);
        assertEquals(400, badAsOf.status(), badAsOf.body());
        // (its history shows the placing one commit after the answer: until then the past is not whole, 410)
        await().atMost(Duration.ofSeconds(10)).until(() ->
            http.send("GET", "/orders/rest-once?as_of=2100-01-01T00:00:00Z", null, "Authorization", ANALYST).status() == 200);
        Http.Reply asOf = http.send("GET", "/orders/rest-once?as_of=2100-01-01T00:00:00Z", null, "Authorization", ANALYST);
        assertEquals("rest-once", asOf.json().path("order_id").asText(), asOf.body());
    }

    @Test
    void placingTheSameOrderAgainChangesNothingAndOtherLinesConflict() {
        assertEquals(201, http.send("POST", "/orders", order("rest-2", 1, 1), "x-api-key", "platform-key").status());
        assertEquals(200, http.send("POST", "/orders", order("rest-2", 1, 1), "Authorization", "Token platform-key").status());
        Http.Reply conflict = http.send("POST", "/orders", order("rest-2", 3, 1), "Authorization", PLATFORM);
        assertEquals(409, conflict.status(), conflict.body());
        assertEquals(1, http.send("GET", "/orders/rest-2", null, "Authorization", ANALYST).json()
            .path("lines").get(0).path("quantity").asInt());
    }

    @Test
    void anOrderFromAPlainProducerInTheConfluentWireFormatShowsUp() throws Exception {
        String subject = TOPICS.orderEvents() + "-value";
        JsonNode latest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(infra.registryUrl() + "/subjects/" + subject + "/versions/latest")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        Schema schema = new Schema.Parser().parse(latest.path("schema").asText());
        int id = latest.path("id").asInt();

        Schema placedSchema = schema.getField("payload").schema().getTypes().stream()
            .filter(s -> s.getName().equals("OrderPlaced")).findFirst().orElseThrow();
        Schema lineSchema = placedSchema.getField("lines").schema().getElementType();
        GenericRecord line = new GenericData.Record(lineSchema);
        line.put("line_id", "l-1");
        line.put("sku", "SKU-WIRE");
        line.put("quantity", 3);
        GenericRecord placed = new GenericData.Record(placedSchema);
        placed.put("order_id", "wire-1");
        placed.put("channel", "web");
        placed.put("priority", 0);
        placed.put("placed_at", Instant.now().toEpochMilli());
        placed.put("lines", List.of(line));
        GenericRecord envelope = new GenericData.Record(schema);
        envelope.put("event_id", "wire-event-1");
        envelope.put("occurred_at", Instant.now().toEpochMilli());
        envelope.put("payload", placed);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(schema).write(envelope, encoder);
        encoder.flush();
        produce("wire-1".getBytes(StandardCharsets.UTF_8), bytes.toByteArray());

        await().atMost(Duration.ofSeconds(30)).until(() -> http.send("GET", "/orders/wire-1", null, "Authorization", ANALYST).status() == 200);
        JsonNode order = http.send("GET", "/orders/wire-1", null, "Authorization", ANALYST).json();
        assertEquals("SKU-WIRE", order.path("lines").get(0).path("sku").asText());
        assertEquals(0, order.path("lines").get(0).path("allocated_quantity").asInt(-1));
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextOrderIsStillProcessed() throws Exception {
        produce("garbage-1".getBytes(StandardCharsets.UTF_8), "this is not avro".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, http.send("POST", "/orders", order("after-garbage", 1, 1), "Authorization", PLATFORM).status());

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPICS.deadLetters()));
            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.stream().anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals("garbage-1"));
            });
            ConsumerRecord<byte[], byte[]> letter = letters.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("garbage-1")).findFirst().orElseThrow();
            assertEquals("this is not avro", new String(letter.value(), StandardCharsets.UTF_8));
            String reason = DeadLetters.header(letter.headers(), DeadLetters.REASON);
            assertNotNull(reason);
            assertTrue(reason.startsWith("cannot decode an OrderEvent"), reason);
        }
        assertEquals(200, http.send("GET", "/orders/after-garbage", null, "Authorization", ANALYST).status());
    }

    @Test
    void badInputIsA400NamingTheFieldAndQuotedWholeNumbersAreAccepted() {
        Http.Reply bad = http.send("POST", "/orders",
            "{\"order_id\":\"bad-1\",\"lines\":[{\"line_id\":\"l\",\"sku\":\"S\",\"quantity\":-1}]}", "Authorization", PLATFORM);
        assertEquals(400, bad.status());
        assertEquals("lines[0].quantity", bad.json().path("fields").get(0).path("field").asText());
        Http.Reply fractional = http.send("POST", "/orders",
            "{\"order_id\":\"bad-2\",\"lines\":[{\"line_id\":\"l\",\"sku\":\"S\",\"quantity\":\"1.5\"}]}", "Authorization", PLATFORM);
        assertEquals(400, fractional.status());
        assertEquals(400, http.send("POST", "/orders", "{not json", "Authorization", PLATFORM).status());
        Http.Reply quoted = http.send("POST", "/orders",
            "{\"order_id\":\"quoted-1\",\"channel\":\"web\",\"lines\":[{\"line_id\":\"l\",\"sku\":\"S\",\"quantity\":\"22\"}]}",
            "Authorization", PLATFORM);
        assertEquals(201, quoted.status(), quoted.body());
        assertEquals(22, quoted.json().path("lines").get(0).path("quantity").asInt());
        assertEquals(404, http.send("GET", "/orders/bad-1", null, "Authorization", ANALYST).status());
    }

    @Test
    void keysAndRolesAreEnforced() {
        assertEquals(401, http.send("GET", "/reservations", null).status());
        assertEquals(401, http.send("GET", "/reservations", null, "Authorization", "Bearer nope").status());
        assertEquals(403, http.send("POST", "/orders", order("analyst-1", 1, 1), "Authorization", ANALYST).status());
        assertEquals(200, http.send("GET", "/reservations", null, "x-api-key", "analyst-key").status());
        assertEquals(200, http.send("GET", "/health", null).status());
    }

    @Test
    void cancellingAnOrderShowsItCancelled() {
        assertEquals(201, http.send("POST", "/orders", order("cancel-1", 1, 1), "Authorization", PLATFORM).status());
        Http.Reply cancelled = http.send("POST", "/orders/cancel-1/cancel", "{\"reason\":\"customer request\"}", "Authorization", PLATFORM);
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().path("status").asText());
        assertEquals("customer request", cancelled.json().path("cancel_reason").asText());
        assertEquals(404, http.send("POST", "/orders/nope/cancel", "{}", "Authorization", PLATFORM).status());
    }

    @Test
    void reservationsPageByCursorInBothDirections() {
        for (int i = 0; i < 5; i++) {
            assertEquals(201, http.send("POST", "/orders", order("page-" + i, 1, 1), "Authorization", PLATFORM).status());
        }
        Set<String> seen = new TreeSet<>();
        String cursor = null;
        String firstPageFirst = null;
        String secondPageCursorBack = null;
        int pages = 0;
        do {
            JsonNode page = http.send("GET", "/reservations?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), null,
                "Authorization", ANALYST).json();
            assertEquals(2, page.path("limit").asInt());
            assertTrue(page.path("data").size() <= 2);
            page.path("data").forEach(r -> assertTrue(seen.add(r.path("order").path("id").asText()), "no order twice"));
            if (pages == 0) {
                firstPageFirst = page.path("data").get(0).path("order").path("id").asText();
                assertTrue(page.path("previous_cursor").isNull());
            }
            if (pages == 1) {
                secondPageCursorBack = page.path("previous_cursor").asText();
            }
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 1000);
        assertTrue(seen.containsAll(List.of("page-0", "page-1", "page-2", "page-3", "page-4")), seen.toString());
        JsonNode back = http.send("GET", "/reservations?limit=2&cursor=" + secondPageCursorBack, null, "Authorization", ANALYST).json();
        assertEquals(firstPageFirst, back.path("data").get(0).path("order").path("id").asText());
        assertEquals(400, http.send("GET", "/reservations?limit=0", null, "Authorization", ANALYST).status());
    }

    @Test
    void metricsAndTheOpenApiDocumentAreServed() {
        assertEquals(401, http.send("GET", "/prometheus", null).status(), "metrics need the admin key");
        Http.Reply metrics = http.send("GET", "/prometheus", null, "Authorization", "Bearer admin-key");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("kafka_stream"), "Kafka Streams metrics are exported");
        Http.Reply openapi = http.send("GET", "/openapi/allotment-0.1.yml", null);
        assertEquals(200, openapi.status());
        assertTrue(openapi.body().contains("/reservations"));
    }

    static JsonNode findReservation(String orderId) {
        String cursor = null;
        do {
            JsonNode page = http.send("GET", "/reservations?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), null,
                "Authorization", ANALYST).json();
            for (JsonNode r : page.path("data")) {
                if (r.path("order").path("id").asText().equals(orderId)) {
                    return r;
                }
            }
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        } while (cursor != null);
        throw new AssertionError("no reservation for " + orderId);
    }

    static void produce(byte[] key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.orderEvents(), key, value)).get();
        }
    }
}
