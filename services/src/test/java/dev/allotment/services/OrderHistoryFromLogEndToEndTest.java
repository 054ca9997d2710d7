package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.state.StoreNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An order's history is kept as positions in the decision log, in the order's own record, not as a second copy of its
 * events nor as a record per event: the history store's changelog holds nothing of a new order, and
 * {@code GET /orders/{id}/events} and {@code as_of} read the events from allotment.allocation-events. Where the log no longer holds them (a retention shorter than the engine
 * asks for), the history answers that it is not whole rather than waiting or failing.
 */
@ExtendWith(RealInfrastructure.class)
class OrderHistoryFromLogEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-history-log.");
    static final String ADMIN = "admin-key";

    @Test
    void theHistoryIsReadFromTheDecisionLogAndIsNotWholeOnceTheLogLostIt() throws Exception {
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        try (TestEngine engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", ADMIN + "=admin"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Http http = engine.http();
            ok(http.keyed(ADMIN, "PUT", "/locations/wh-h", "{\"name\":\"H\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\","
                + "\"tracks_stock\":true}", null));
            ok(http.keyed(ADMIN, "PUT", "/channels/web/routing", "{\"locations\":[\"wh-h\"]}", null));
            ok(http.keyed(ADMIN, "PUT", "/stock/wh-h/SKU-H1", "{\"physical\":10}", null));
            ok(http.keyed(ADMIN, "PUT", "/stock/wh-h/SKU-H2", "{\"physical\":10}", null));
            place(http, "h-1");

            JsonNode history = ok(http.keyed(ADMIN, "GET", "/orders/h-1/events", null, null)).json();
            assertTrue(history.path("complete").asBoolean(), history.toString());
            List<String> types = new ArrayList<>();
            history.path("events").forEach(e -> types.add(e.path("type").asText()));
            assertEquals(List.of("ReservationCreated", "AllocationRequested", "AllocationRequested"), types.subList(0, 3),
                history.toString());
            JsonNode live = ok(http.keyed(ADMIN, "GET", "/orders/h-1", null, null)).json();
            assertEquals(live, ok(http.keyed(ADMIN, "GET", "/orders/h-1?as_of=2999-01-01T00:00:00Z", null, null)).json(),
                "the projection rebuilt from the events read back from the log is the live one");

            // the positions are in the order's own record (its last one in the orders store's changelog holds them all),
            // and the history store's changelog holds nothing of the order
            Deserializer<OrderProjection> orders = new RegistryAvroSerdes(RegistryConnection.of(
                RealInfrastructure.endpoints().registryUrl())).value(OrderProjection.class).deserializer();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                List<ConsumerRecord<String, byte[]>> records = changelog(bootstrap, StoreNames.ORDERS, "h-1");
                return !records.isEmpty() && orders.deserialize("", records.get(records.size() - 1).value())
                    .getHistoryPositions().size() == types.size();
            });
            assertEquals(List.of(), changelog(bootstrap, StoreNames.ORDER_HISTORY, "h-1\u0000"), "no record per event");

            // the log loses the order's records (a retention shorter than the engine asks for, here at once)
            place(http, "h-2");
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(TOPICS.allocationEvents())).allTopicNames().get().get(TOPICS.allocationEvents())
                .partitions().forEach(p -> ends.put(new TopicPartition(TOPICS.allocationEvents(), p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, RecordsToDelete> cut = new HashMap<>();
            admin.listOffsets(ends).all().get().forEach((tp, end) -> cut.put(tp, RecordsToDelete.beforeOffset(end.offset())));
            admin.deleteRecords(cut).all().get();

            JsonNode lost = ok(http.keyed(ADMIN, "GET", "/orders/h-2/events", null, null)).json();
            assertEquals(false, lost.path("complete").asBoolean(true), lost.toString());
            assertEquals(0, lost.path("events").size(), lost.toString());
            Http.Reply past = http.keyed(ADMIN, "GET", "/orders/h-2?as_of=2999-01-01T00:00:00Z", null, null);
            assertEquals(410, past.status(), past.body());
            assertEquals("allocated", ok(http.keyed(ADMIN, "GET", "/orders/h-2", null, null)).json().path("status").asText(),
                "the projection stays");
        }
    }

    private static void place(Http http, String orderId) {
        Http.Reply placed = http.keyed(ADMIN, "POST", "/orders", "{\"order_id\":\"" + orderId + "\",\"channel\":\"web\","
            + "\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"SKU-H1\",\"quantity\":1},{\"line_id\":\"l-2\",\"sku\":\"SKU-H2\","
            + "\"quantity\":2}]}", null);
        assertEquals(201, placed.status(), placed.body());
        await().atMost(Duration.ofSeconds(20)).until(() ->
            http.keyed(ADMIN, "GET", "/orders/" + orderId, null, null).json().path("status").asText().equals("allocated"));
    }

    /** The committed records of {@code store}'s changelog whose key starts with {@code prefix}, in offset order. */
    private static List<ConsumerRecord<String, byte[]>> changelog(String bootstrap, String store, String prefix) {
        String topic = TOPICS.prefix() + "engine-" + store + "-changelog";
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
            new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().startsWith(prefix)) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }

    private static Http.Reply ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
        return reply;
    }
}
