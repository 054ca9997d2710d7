package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockSet;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Allocation over HTTP against a real broker and registry: auto, Veeqo, Envoy, idempotency, and a hot SKU fought over. */
@ExtendWith(RealInfrastructure.class)
class AllocationEndToEndTest {
    static final String KEY = "admin-key";
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-alloc.").prefix(), Map.of("allotment.api-keys", "admin-key=admin,analyst-key=analyst"));
        http = engine.http();
        ok(call("PUT", "/locations/wh-ams", "{\"name\":\"Amsterdam\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\",\"tracks_stock\":true}"));
        ok(call("PUT", "/locations/wh-ber", "{\"name\":\"Berlin\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(call("PUT", "/channels/web/routing", "{\"locations\":[\"wh-ams\",\"wh-ber\"]}"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static Http.Reply call(String method, String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + KEY;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return http.send(method, path, body, all);
    }

    static Http.Reply ok(Http.Reply reply) {
        assertTrue(reply.status() / 100 == 2, () -> reply.status() + " " + reply.body());
        return reply;
    }

    static void order(String id, String channel, String sku, int quantity) {
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"" + id + "\",\"channel\":\"" + channel
            + "\",\"lines\":[{\"line_id\":\"l-1\",\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}]}").status());
    }

    static JsonNode awaitOrder(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/orders/" + id, null).json().path("status").asText().equals(status));
        return call("GET", "/orders/" + id, null).json();
    }

    @Test
    void anOrderOnARoutedChannelIsAllocatedAndABackorderIsFilledByAStockReceipt() {
        ok(call("PUT", "/stock/wh-ams/SKU-A", "{\"physical\":2,\"incoming\":5}"));
        ok(call("PUT", "/stock/wh-ber/SKU-A", "{\"physical\":1}"));
        order("auto-1", "web", "SKU-A", 5);
        // the three decisions (two allocations, one backorder) are folded one by one: wait for the last
        await().atMost(Duration.ofSeconds(20)).until(() ->
            call("GET", "/orders/auto-1", null).json().path("lines").get(0).path("backordered_quantity").asInt() == 2);
        JsonNode partial = awaitOrder("auto-1", "partially_allocated");
        assertEquals(3, partial.path("lines").get(0).path("allocated_quantity").asInt());
        assertEquals(2, partial.path("lines").get(0).path("backordered_quantity").asInt());
        assertEquals(2, partial.path("allocations").size(), "split over wh-ams and wh-ber");

        ok(call("POST", "/stock/adjustments", "{\"adjustments\":[{\"location_id\":\"wh-ams\",\"sku\":\"SKU-A\",\"delta\":4,\"reason\":\"receipt\"}]}"));
        JsonNode filled = awaitOrder("auto-1", "allocated");
        assertEquals(0, filled.path("lines").get(0).path("backordered_quantity").asInt());

        JsonNode events = ok(call("GET", "/orders/auto-1/events", null)).json().path("events");
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.path("type").asText()));
        assertEquals("ReservationCreated", types.get(0), types.toString());
        assertTrue(types.contains("LineBackordered") && types.indexOf("LineBackordered") < types.lastIndexOf("AllocationRequested"),
            "the history shows the backorder and then its fill: " + types);
        String beforeReceipt = events.get(types.indexOf("LineBackordered")).path("occurred_at").asText();
        assertEquals("partially_allocated", ok(call("GET", "/orders/auto-1?as_of=" + beforeReceipt, null)).json().path("status").asText());
        JsonNode rebuilt = ok(call("GET", "/orders/auto-1?as_of=2999-01-01T00:00:00Z", null)).json();
        assertEquals(call("GET", "/orders/auto-1", null).json(), rebuilt, "the projection rebuilt from the log is the live one");
        assertEquals(404, call("GET", "/orders/auto-1?as_of=2000-01-01T00:00:00Z", null).status());
        JsonNode stock = ok(call("GET", "/stock/SKU-A", null)).json();
        assertEquals(5, stock.path("totals").path("allocated").asInt());
        assertEquals(7, stock.path("totals").path("physical").asInt());
        assertEquals(2, stock.path("totals").path("available").asInt());
    }

    @Test
    void aCountBelowWhatIsAllocatedStandsAndTheNewestOrderGivesWay() {
        ok(call("PUT", "/stock/wh-ams/SKU-COUNT", "{\"physical\":4}"));
        order("count-1", "web", "SKU-COUNT", 2);
        awaitOrder("count-1", "allocated");
        order("count-2", "web", "SKU-COUNT", 2);
        awaitOrder("count-2", "allocated");

        JsonNode level = ok(call("PUT", "/stock/wh-ams/SKU-COUNT", "{\"physical\":3}")).json();
        assertEquals(List.of(3, 3, 0), List.of(level.path("physical").asInt(), level.path("allocated").asInt(),
            level.path("available").asInt()), level.toString());

        JsonNode newer = awaitOrder("count-2", "partially_allocated");
        assertEquals(1, newer.path("lines").get(0).path("allocated_quantity").asInt());
        assertEquals(1, newer.path("lines").get(0).path("backordered_quantity").asInt());
        assertEquals("allocated", call("GET", "/orders/count-1", null).json().path("status").asText(), "the older order keeps its stock");
        JsonNode events = ok(call("GET", "/orders/count-2/events", null)).json().path("events");
        List<String> reasons = new ArrayList<>();
        events.forEach(e -> {
            if (e.path("type").asText().equals("AllocationCancelled")) {
                reasons.add(e.path("payload").path("reason").asText(e.path("reason").asText()));
            }
        });
        assertEquals(List.of("stock count: 3 of SKU-COUNT at wh-ams is below the 4 allocated there"), reasons, events.toString());
    }

    /**
     * A platform whose client places keys by another partitioner (librdkafka's default is CRC32, not Java's murmur2)
     * puts an order and a SKU's stock in other partitions than the engine's own records for them. The engine moves
     * them to their home partitions, so the stock is where its commands are and the order where its decisions fold.
     */
    @Test
    void anOrderAndStockPublishedAwayFromTheirHomePartitionsAreAllocatedAndFolded() throws Exception {
        Topics topics = Topics.withPrefix("e2e-alloc.");
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        AvroSerdes serdes = new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl()));
        String sku = "SKU-AWAY";
        String orderId = "away-1";
        Instant now = Instant.now();
        StockEvent stock = new StockEvent("away-stock-1", now, null, null, new StockSet(sku, "wh-ams", 4, null));
        OrderEvent placed = OrderEvent.newBuilder().setEventId("away-order-1").setOccurredAt(now)
            .setPayload(OrderPlaced.newBuilder().setOrderId(orderId).setChannel("web").setPriority(0).setPlacedAt(now)
                .setLines(List.of(new OrderLine("l-1", sku, 3))).build()).build();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()), new StringSerializer(),
            serdes.value(SpecificRecord.class).serializer())) {
            int partitions = producer.partitionsFor(topics.orderEvents()).size();
            assertTrue(partitions > 1, "needs more than one partition to be away from home");
            producer.send(new ProducerRecord<>(topics.stockEvents(), away(sku, partitions), sku, stock)).get();
            producer.send(new ProducerRecord<>(topics.orderEvents(), away(orderId, partitions), orderId, placed)).get();
        }
        JsonNode order = awaitOrder(orderId, "allocated");
        assertEquals(3, order.path("lines").get(0).path("allocated_quantity").asInt(), order.toString());
        assertEquals(1, order.path("allocations").size(), order.toString());
        assertTrue(order.path("allocations").toString().contains("wh-ams"), order.toString());
        JsonNode totals = ok(call("GET", "/stock/" + sku, null)).json().path("totals");
        assertEquals(4, totals.path("physical").asInt());
        assertEquals(3, totals.path("allocated").asInt());
    }

    /** A partition that is not the Java client's for {@code key}. */
    private static int away(String key, int partitions) {
        int home = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
        return (home + 1) % partitions;
    }

    @Test
    void veeqoAllocationAnswersInItsShapeAndARepeatedKeyChangesNothing() {
        ok(call("PUT", "/stock/wh-ams/SKU-V", "{\"physical\":10}"));
        order("veeqo-1", "manual", "SKU-V", 3);
        // a SKU id with the shard mark is no SKU (the engine names shards so): refused naming the field, in both shapes
        Http.Reply marked = call("POST", "/orders/veeqo-1/allocations", "{\"allocation\":{\"warehouse_id\":\"wh-ams\","
            + "\"line_items_attributes\":[{\"sellable_id\":\"a/b?c#d\",\"quantity\":1}]}}");
        assertEquals(List.of(400, "allocation.line_items_attributes[0].sellable_id"), List.of(marked.status(),
            marked.json().path("fields").path(0).path("field").asText()), marked.body());
        Http.Reply markedEnvoy = call("POST", "/allocations/orders/veeqo-1", "{\"allocations\":[{\"location\":{\"id\":\"wh-ams\"},"
            + "\"items\":[{\"id\":\"SKU-V#1\",\"quantity\":1}]}]}");
        assertEquals(List.of(400, "allocations[0].items[0].id"), List.of(markedEnvoy.status(),
            markedEnvoy.json().path("fields").path(0).path("field").asText()), markedEnvoy.body());
        String body = "{\"allocation\":{\"warehouse_id\":\"wh-ams\",\"line_items_attributes\":[{\"sellable_id\":\"SKU-V\",\"quantity\":\"3\"}]}}";
        Http.Reply created = call("POST", "/orders/veeqo-1/allocations", body, "Idempotency-Key", "veeqo-key-1");
        assertEquals(201, created.status(), created.body());
        JsonNode answer = created.json();
        assertTrue(answer.path("allocated_completely").asBoolean());
        JsonNode item = answer.path("allocations").get(0).path("line_items").get(0);
        assertEquals(3, item.path("quantity").asInt());
        JsonNode entry = item.path("sellable").path("stock_entries").get(0);
        assertEquals(10, entry.path("physical_stock_level").asInt());
        assertEquals(3, entry.path("allocated_stock_level").asInt());
        assertEquals(7, entry.path("available_stock_level").asInt());

        Http.Reply again = call("POST", "/orders/veeqo-1/allocations", body, "Idempotency-Key", "veeqo-key-1");
        assertEquals(201, again.status(), "the first outcome is answered again");
        assertEquals(3, call("GET", "/stock/SKU-V", null).json().path("totals").path("allocated").asInt(), "nothing applied twice");
        Http.Reply over = call("POST", "/orders/veeqo-1/allocations", body, "Idempotency-Key", "veeqo-key-2");
        assertEquals(422, over.status(), over.body());
        assertEquals("over_quantity", over.json().path("error").asText());
    }

    @Test
    void envoyCreatesChangesCompletesAndDeletesAllocations() {
        ok(call("PUT", "/stock/wh-ber/SKU-E1", "{\"physical\":10}"));
        ok(call("PUT", "/stock/wh-ber/SKU-E2", "{\"physical\":10}"));
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"envoy-1\",\"channel\":\"manual\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"SKU-E1\",\"quantity\":3},{\"line_id\":\"l-2\",\"sku\":\"SKU-E2\",\"quantity\":3}]}").status());
        Http.Reply created = call("POST", "/allocations/orders/envoy-1", "{\"allocations\":[{\"location\":{\"id\":\"wh-ber\"},"
            + "\"items\":[{\"id\":\"SKU-E1\",\"quantity\":2},{\"id\":\"SKU-E2\",\"quantity\":3}]}]}");
        assertEquals(201, created.status(), created.body());
        JsonNode allocation = created.json().path("data").get(0);
        String id = allocation.path("id").asText();
        assertEquals("wh-ber", allocation.path("location").path("id").asText());
        assertEquals(2, allocation.path("items").size());

        Http.Reply changed = call("PATCH", "/allocations/orders/envoy-1", "{\"allocations\":[{\"id\":\"" + id
            + "\",\"items\":[{\"id\":\"SKU-E1\",\"quantity\":1}]}]}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals(9, call("GET", "/stock/SKU-E1", null).json().path("totals").path("available").asInt());

        Http.Reply completed = call("PATCH", "/allocations/orders/envoy-1", "{\"allocations\":[{\"id\":\"" + id
            + "\",\"completed_at\":\"2026-11-25T12:00:00Z\"}]}");
        assertEquals(200, completed.status(), completed.body());
        assertFalse(completed.json().path("data").get(0).path("completed_at").isNull());
        JsonNode e2 = call("GET", "/stock/SKU-E2", null).json().path("totals");
        assertEquals(7, e2.path("physical").asInt(), "completion drops physical");
        assertEquals(0, e2.path("allocated").asInt(), "and allocated");
        await().atMost(Duration.ofSeconds(20)).until(() ->
            call("GET", "/allocations/orders/envoy-1", null).json().path("data").get(0).path("completed_at").isTextual());
        JsonNode listed = ok(call("GET", "/allocations?location_id=wh-ber&order_id=envoy-1", null)).json();
        assertEquals(1, listed.path("data").size());
        int ofEnvoy1 = ok(call("GET", "/allocations?order_id=envoy-1", null)).json().path("data").size();
        assertTrue(ofEnvoy1 >= 1);
        assertEquals(ofEnvoy1, ok(call("GET", "/allocations?order_id=zz-no-such-order&order_id=envoy-1", null)).json()
            .path("data").size(), "orders are looked up by id; an unknown one adds nothing");
        assertEquals(0, ok(call("GET", "/allocations?order_id=zz-no-such-order", null)).json().path("data").size());

        ok(call("POST", "/allocations/orders/envoy-1", "{\"allocations\":[{\"location\":{\"id\":\"wh-ber\"},\"items\":[{\"id\":\"SKU-E1\",\"quantity\":1}]}]}"));
        assertEquals(204, call("DELETE", "/allocations/orders/envoy-1", null).status());
        assertEquals(10 - 1, call("GET", "/stock/SKU-E1", null).json().path("totals").path("available").asInt(),
            "the open allocation is released; the completed one stays fulfilled");
    }

    @Test
    void aDropShippersShipmentsLeaveItsPhysicalAsCountedAndAnUpdateThatOmitsTracksStockKeepsIt() {
        ok(call("PUT", "/locations/drop-u", "{\"name\":\"Drop\",\"kind\":\"SUPPLIER\",\"tracks_stock\":false}"));
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"drop-1\",\"channel\":\"manual\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"SKU-U1\",\"quantity\":3}]}").status());
        Http.Reply created = call("POST", "/allocations/orders/drop-1", "{\"allocations\":[{\"location\":{\"id\":\"drop-u\"},"
            + "\"items\":[{\"id\":\"SKU-U1\",\"quantity\":3}]}]}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("data").get(0).path("id").asText();
        ok(call("PATCH", "/allocations/orders/drop-1", "{\"allocations\":[{\"id\":\"" + id
            + "\",\"completed_at\":\"2026-11-25T12:00:00Z\"}]}"));
        JsonNode shipped = levelAt("SKU-U1", "drop-u");
        assertEquals(List.of(0, 0), List.of(shipped.path("physical").asInt(), shipped.path("allocated").asInt()),
            "what an untracked location ships is not counted stock: " + shipped);

        // a name change that does not mention tracks_stock keeps the location untracked
        JsonNode renamed = ok(call("PUT", "/locations/drop-u", "{\"name\":\"Drop renamed\",\"kind\":\"SUPPLIER\"}")).json();
        assertFalse(renamed.path("tracks_stock").asBoolean(), renamed.toString());
        assertFalse(call("GET", "/locations/drop-u", null).json().path("tracks_stock").asBoolean());
        // switched to tracking on purpose, it starts from its count, not from minus what it shipped
        ok(call("PUT", "/locations/drop-u", "{\"name\":\"Drop\",\"kind\":\"SUPPLIER\",\"tracks_stock\":true}"));
        assertEquals(0, levelAt("SKU-U1", "drop-u").path("available").asInt());
        ok(call("PUT", "/stock/drop-u/SKU-U1", "{\"physical\":5}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> levelAt("SKU-U1", "drop-u").path("available").asInt() == 5);
        // a new location that does not mention it tracks stock
        assertTrue(ok(call("PUT", "/locations/wh-new", "{\"name\":\"New\"}")).json().path("tracks_stock").asBoolean());
    }

    static JsonNode levelAt(String sku, String locationId) {
        for (JsonNode level : call("GET", "/stock/" + sku, null).json().path("locations")) {
            if (level.path("location_id").asText().equals(locationId)) {
                return level;
            }
        }
        throw new AssertionError("no stock level of " + sku + " at " + locationId);
    }

    @Test
    void theSeedsRequestExamplesWorkAsWritten() {
        // Veeqo's example, ids as numbers: warehouse 5, sellable 1226615
        ok(call("PUT", "/locations/5", "{\"name\":\"Veeqo warehouse 5\"}"));
        ok(call("PUT", "/stock/5/1226615", "{\"physical\":4}"));
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"323498\",\"channel\":\"manual\",\"lines\":"
            + "[{\"line_id\":\"li-1\",\"sku\":\"1226615\",\"quantity\":1}]}").status());
        Http.Reply veeqo = call("POST", "/orders/323498/allocations",
            "{ \"allocation\": { \"warehouse_id\": 5, \"line_items_attributes\": [ { \"sellable_id\": 1226615, \"quantity\": 1 } ] }}");
        assertEquals(201, veeqo.status(), veeqo.body());
        JsonNode answer = veeqo.json();
        assertTrue(answer.path("allocated_completely").asBoolean());
        // ids sent as numbers come back as numbers
        JsonNode made = answer.path("allocations").get(0);
        assertTrue(made.path("warehouse").path("id").isIntegralNumber(), made.toString());
        assertEquals(5, made.path("warehouse").path("id").asLong());
        JsonNode sellable = made.path("line_items").get(0).path("sellable");
        assertEquals(1226615L, sellable.path("id").asLong());
        assertTrue(sellable.path("id").isIntegralNumber() && sellable.path("stock_entries").get(0).path("sellable_id").isIntegralNumber()
            && sellable.path("stock_entries").get(0).path("warehouse_id").isIntegralNumber(), sellable.toString());
        // the order, as Veeqo answers it
        assertEquals("323498", answer.path("id").asText());
        assertEquals("allocated", answer.path("status").asText(), answer.toString());
        assertEquals("manual", answer.path("channel").path("name").asText());
        assertEquals(1, answer.path("line_items").size());
        assertEquals(1226615L, answer.path("line_items").get(0).path("sellable").path("id").asLong());
        assertEquals(4, answer.path("line_items").get(0).path("sellable").path("inventory")
            .path("physical_stock_level_at_all_warehouses").asInt());
        for (String field : List.of("number", "cancel_reason", "cancelled_at")) {
            assertTrue(answer.has(field) && answer.path(field).isNull(), field + ": " + answer);
        }
        for (String field : List.of("created_at", "updated_at")) {
            assertTrue(answer.path(field).isTextual(), field + ": " + answer);
        }

        // Envoy's examples: two locations, two inventory items
        String locA = "loc_2NDVMYM9Q5itESKOIAfJvx2FH8r";
        String locB = "loc_2N8nMje6GOtjc7ce9AjkQHmkGJ0";
        String red = "inv_2MNiSi4jiDJMglxrFf0akgGFdj6";
        String blue = "inv_2MNP5DWpneqTA8wQ5x9Jocrt4le";
        ok(call("PUT", "/locations/" + locA, "{}"));
        ok(call("PUT", "/locations/" + locB, "{}"));
        ok(call("PUT", "/stock/" + locA + "/" + red, "{\"physical\":5}"));
        ok(call("PUT", "/stock/" + locA + "/" + blue, "{\"physical\":5}"));
        ok(call("PUT", "/stock/" + locB + "/" + red, "{\"physical\":5}"));
        String order = "ord_2MnGzhX20IfDmIOSHb4JVY1XBRS";
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"" + order + "\",\"channel\":\"manual\",\"lines\":["
            + "{\"line_id\":\"1\",\"sku\":\"" + red + "\",\"quantity\":3},{\"line_id\":\"2\",\"sku\":\"" + blue + "\",\"quantity\":3}]}").status());
        Http.Reply created = call("POST", "/allocations/orders/" + order, "{\"allocations\":[{\"location\":{\"id\":\"" + locA
            + "\"},\"items\":[{\"id\":\"" + red + "\",\"quantity\":2},{\"id\":\"" + blue + "\",\"quantity\":3}]},"
            + "{\"location\":{\"id\":\"" + locB + "\"},\"items\":[{\"id\":\"" + red + "\",\"quantity\":1}]}]}");
        assertEquals(201, created.status(), created.body());
        JsonNode data = created.json().path("data");
        assertEquals(2, data.size());
        String first = data.get(0).path("id").asText();
        String second = data.get(1).path("id").asText();
        assertEquals(order, data.get(0).path("order").path("id").asText());

        Http.Reply patched = call("PATCH", "/allocations/orders/" + order, "{\"allocations\":[{\"id\":\"" + first
            + "\",\"items\":[{\"id\":\"" + red + "\",\"quantity\":1},{\"id\":\"" + blue + "\",\"quantity\":3}]},"
            + "{\"id\":\"" + second + "\",\"location\":{\"id\":\"" + locB + "\"},\"items\":[{\"id\":\"" + red + "\",\"quantity\":2}]}]}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals(2, patched.json().path("data").get(1).path("items").get(0).path("quantity").asInt());
        assertEquals(3, call("GET", "/stock/" + red, null).json().path("totals").path("allocated").asInt());
        await().atMost(Duration.ofSeconds(20)).until(() ->
            call("GET", "/allocations/orders/" + order, null).json().path("data").size() == 2);
        assertEquals(204, call("DELETE", "/allocations/orders/" + order, null).status());
        assertEquals(0, call("GET", "/stock/" + red, null).json().path("totals").path("allocated").asInt());
        Http.Reply reservations = ok(call("GET", "/reservations?limit=100", null));
        assertTrue(reservations.json().has("next_cursor") && reservations.json().has("previous_cursor"));
    }

    @Test
    void envoyMovesAnAllocationOfTwoSkusToAnotherLocationAllOrNothing() {
        for (String at : List.of("wh-ams", "wh-ber")) {
            ok(call("PUT", "/stock/" + at + "/SKU-MV1", "{\"physical\":5}"));
            ok(call("PUT", "/stock/" + at + "/SKU-MV2", "{\"physical\":5}"));
        }
        assertEquals(201, call("POST", "/orders", "{\"order_id\":\"move-1\",\"channel\":\"manual\",\"lines\":["
            + "{\"line_id\":\"l-1\",\"sku\":\"SKU-MV1\",\"quantity\":2},{\"line_id\":\"l-2\",\"sku\":\"SKU-MV2\",\"quantity\":1}]}").status());
        Http.Reply created = call("POST", "/allocations/orders/move-1", "{\"allocations\":[{\"location\":{\"id\":\"wh-ams\"},"
            + "\"items\":[{\"id\":\"SKU-MV1\",\"quantity\":2},{\"id\":\"SKU-MV2\",\"quantity\":1}]}]}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("data").get(0).path("id").asText();

        Http.Reply moved = call("PATCH", "/allocations/orders/move-1", "{\"allocations\":[{\"id\":\"" + id
            + "\",\"location\":{\"id\":\"wh-ber\"}}]}");
        assertEquals(200, moved.status(), moved.body());
        JsonNode answer = moved.json().path("data").get(0);
        assertEquals(id, answer.path("id").asText(), "the same allocation");
        assertEquals("wh-ber", answer.path("location").path("id").asText(), answer.toString());
        assertEquals(2, answer.path("items").size(), answer.toString());
        for (String sku : List.of("SKU-MV1", "SKU-MV2")) {
            assertEquals(0, allocatedAt(sku, "wh-ams"), sku + " released where it was");
        }
        assertEquals(2, allocatedAt("SKU-MV1", "wh-ber"));
        assertEquals(1, allocatedAt("SKU-MV2", "wh-ber"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "wh-ber".equals(call("GET", "/allocations/orders/move-1", null)
            .json().path("data").get(0).path("location").path("id").asText()));

        // back to wh-ams, where SKU-MV2 has nothing left: refused for both SKUs, nothing moves
        ok(call("PUT", "/stock/wh-ams/SKU-MV2", "{\"physical\":0}"));
        Http.Reply refused = call("PATCH", "/allocations/orders/move-1", "{\"allocations\":[{\"id\":\"" + id
            + "\",\"location\":{\"id\":\"wh-ams\"}}]}");
        assertEquals(409, refused.status(), refused.body());
        assertEquals("insufficient_stock", refused.json().path("error").asText(), refused.body());
        assertEquals(2, allocatedAt("SKU-MV1", "wh-ber"), "SKU-MV1 stayed, though wh-ams had room for it");
        assertEquals(0, allocatedAt("SKU-MV1", "wh-ams"));
        JsonNode order = call("GET", "/orders/move-1", null).json();
        assertEquals(3, order.path("lines").get(0).path("allocated_quantity").asInt() + order.path("lines").get(1)
            .path("allocated_quantity").asInt(), order.toString());
    }

    /** The allocated quantity of {@code sku} at {@code location}, from GET /stock/{sku}. */
    static int allocatedAt(String sku, String location) {
        for (JsonNode level : call("GET", "/stock/" + sku, null).json().path("locations")) {
            if (level.path("location_id").asText().equals(location)) {
                return level.path("allocated").asInt();
            }
        }
        throw new AssertionError("no stock level of " + sku + " at " + location);
    }

    @Test
    void aCancelledOrderLeavesTheReservationsAsEnvoyDeletesItAndPagesStillFillBothWays() {
        // ids that sort together after every other test's orders ("~" is after the letters and digits)
        for (String id : List.of("~res-1", "~res-2", "~res-3", "~res-4")) {
            order(id, "manual", "SKU-RES", 1);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/orders/~res-4", null).status() == 200
            && call("GET", "/orders/~res-2", null).status() == 200);
        ok(call("POST", "/orders/~res-2/cancel", null));
        awaitOrder("~res-2", "cancelled");
        ok(call("POST", "/orders/~res-3/cancel", null));
        awaitOrder("~res-3", "cancelled");

        // pages of one, from ~res-1 on: the cancelled two are skipped, and each page is full
        JsonNode first = ok(call("GET", "/reservations?limit=1&cursor=" + new dev.allotment.services.http.PageCursor(true, "~res-0")
            .encode(), null)).json();
        assertEquals("~res-1", first.path("data").get(0).path("order").path("id").asText(), first.toString());
        JsonNode second = ok(call("GET", "/reservations?limit=1&cursor=" + first.path("next_cursor").asText(), null)).json();
        assertEquals("~res-4", second.path("data").get(0).path("order").path("id").asText(), second.toString());
        JsonNode back = ok(call("GET", "/reservations?limit=1&cursor=" + second.path("previous_cursor").asText(), null)).json();
        assertEquals("~res-1", back.path("data").get(0).path("order").path("id").asText(), back.toString());
        JsonNode all = ok(call("GET", "/reservations?limit=100&cursor=" + new dev.allotment.services.http.PageCursor(true, "~res-0")
            .encode(), null)).json();
        List<String> ids = new ArrayList<>();
        all.path("data").forEach(r -> ids.add(r.path("order").path("id").asText()));
        assertEquals(List.of("~res-1", "~res-4"), ids);
        JsonNode cancelled = ok(call("GET", "/orders/~res-2", null)).json();
        assertTrue(cancelled.path("cancelled_at").isTextual(), "the order itself is still read by its id, with its "
            + "cancellation's time: " + cancelled);
        assertTrue(call("GET", "/orders/~res-1", null).json().path("cancelled_at").isNull());
    }

    @Test
    void manyClientsFightingOverAHotSkuNeverOversell() throws Exception {
        int stock = 20;
        int orders = 60;
        ok(call("PUT", "/locations/wh-hot", "{\"name\":\"Hot\",\"kind\":\"WAREHOUSE\",\"confirm_mode\":\"DIRECT\"}"));
        ok(call("PUT", "/stock/wh-hot/HOT", "{\"physical\":" + stock + "}"));
        for (int i = 0; i < orders; i++) {
            order("hot-" + i, "manual", "HOT", 1);
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        Map<Integer, Integer> codes = new ConcurrentHashMap<>();
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            int n = i;
            calls.add(clients.submit(() -> codes.merge(call("POST", "/orders/hot-" + n + "/allocations",
                "{\"allocation\":{\"warehouse_id\":\"wh-hot\",\"line_items_attributes\":[{\"sellable_id\":\"HOT\",\"quantity\":1}]}}")
                .status(), 1, Integer::sum)));
        }
        for (Future<?> f : calls) {
            f.get();
        }
        clients.shutdown();
        JsonNode level = call("GET", "/stock/HOT", null).json().path("locations").get(0);
        System.out.println("hot SKU: codes " + codes + ", stock " + level);
        assertEquals(stock, codes.getOrDefault(201, 0), "exactly the stock is allocated: " + codes);
        assertEquals(orders - stock, codes.getOrDefault(409, 0), "the rest are refused for lack of stock: " + codes);
        assertEquals(stock, level.path("allocated").asInt());
        assertEquals(stock, level.path("physical").asInt());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            int allocated = 0;
            for (int i = 0; i < orders; i++) {
                allocated += call("GET", "/orders/hot-" + i, null).json().path("lines").get(0).path("allocated_quantity").asInt();
            }
            return allocated == stock;
        });
    }
}
