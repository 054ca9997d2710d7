package dev.allotment.bench.engine;

import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationKind;
import dev.allotment.events.LocationUpserted;
import dev.allotment.events.ConfirmMode;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.events.RoutingSet;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What an upstream commerce platform does, over Kafka in Avro (Confluent wire format, schemas from the registry):
 * declares locations and a channel's routing, counts stock, publishes orders. One idempotent producer with
 * {@code acks=all}, as a platform should run it.
 */
public final class Platform implements AutoCloseable {
    public static final String CHANNEL = "web";

    private final EngineStack stack;
    private final KafkaProducer<String, OrderEvent> orders;
    private final KafkaProducer<String, StockEvent> stock;
    private final KafkaProducer<String, LocationEvent> locations;

    public Platform(EngineStack stack) {
        this.stack = stack;
        this.orders = producer(stack, OrderEvent.class);
        this.stock = producer(stack, StockEvent.class);
        this.locations = producer(stack, LocationEvent.class);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> KafkaProducer<String, T> producer(EngineStack stack, Class<T> type) {
        return new KafkaProducer<>(stack.kafkaClient(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 2,
            ProducerConfig.BATCH_SIZE_CONFIG, 65536,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
            new StringSerializer(), stack.serdes().value(type).serializer());
    }

    /** The SKU of index {@code i} (0-based). */
    public static String sku(int i) {
        return String.format("SKU-%05d", i);
    }

    /** Warehouses {@code L1…Ln}, direct allocation, tracking stock, routed in that order for {@link #CHANNEL}. */
    public List<String> warehouses(int n) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String id = "L" + i;
            ids.add(id);
            send(locations, id, new LocationEvent(UUID.randomUUID().toString(), Instant.now(), null,
                new LocationUpserted(id, "Warehouse " + i, LocationKind.WAREHOUSE, ConfirmMode.DIRECT, null, true, null)));
        }
        send(locations, CHANNEL, new LocationEvent(UUID.randomUUID().toString(), Instant.now(), null,
            new RoutingSet(CHANNEL, ids)));
        locations.flush();
        return ids;
    }

    /**
     * Declares one location of any kind, e.g. a supplier that confirms its allocation requests. {@code
     * confirmTimeoutSeconds} null = its requests never time out; no webhook_url, so requests wait for answers over HTTP.
     */
    public void location(String id, String name, LocationKind kind, ConfirmMode mode, Integer confirmTimeoutSeconds,
                         boolean tracksStock) throws Exception {
        send(locations, id, new LocationEvent(UUID.randomUUID().toString(), Instant.now(), null,
            new LocationUpserted(id, name, kind, mode, confirmTimeoutSeconds, tracksStock, null)));
        locations.flush();
    }

    /** Counts {@code physical} units of each of {@code skus} SKUs at each location. */
    public void stock(int skus, List<String> at, int physical) {
        for (int s = 0; s < skus; s++) {
            for (String location : at) {
                stock.send(new ProducerRecord<>(stack.topics().stockEvents(), sku(s), new StockEvent(
                    UUID.randomUUID().toString(), Instant.now(), null, null, new StockSet(sku(s), location, physical, null))));
            }
        }
        stock.flush();
    }

    /** Counts {@code physical.get(location)} units of {@code sku} at each location named. */
    public void stock(String sku, Map<String, Integer> physical) {
        physical.forEach((location, units) -> stock.send(new ProducerRecord<>(stack.topics().stockEvents(), sku, new StockEvent(
            UUID.randomUUID().toString(), Instant.now(), null, null, new StockSet(sku, location, units, null)))));
        stock.flush();
    }

    /** Counts {@code physical} units of each of {@code skus} SKUs at one location each: SKU {@code i} at {@code location.apply(i)}. */
    public void stock(int skus, java.util.function.IntFunction<String> location, int physical) {
        for (int s = 0; s < skus; s++) {
            stock.send(new ProducerRecord<>(stack.topics().stockEvents(), sku(s), new StockEvent(
                UUID.randomUUID().toString(), Instant.now(), null, null, new StockSet(sku(s), location.apply(s), physical, null))));
        }
        stock.flush();
    }

    /** Partitions of the order topic (the engine's partitions by order id: order-events, allocation-events). */
    public int orderPartitions() {
        return orders.partitionsFor(stack.topics().orderEvents()).size();
    }

    /** Partitions of the stock topic (the engine's partitions by SKU). */
    public int stockPartitions() {
        return stock.partitionsFor(stack.topics().stockEvents()).size();
    }

    /** Publishes one order; returns the send's future (the record is acknowledged by all replicas when it completes). */
    public Future<RecordMetadata> place(String orderId, List<OrderLine> lines) {
        return place(UUID.randomUUID().toString(), orderId, CHANNEL, lines);
    }

    /** Publishes one order on {@code channel} in an event of id {@code eventId}. */
    public Future<RecordMetadata> place(String eventId, String orderId, String channel, List<OrderLine> lines) {
        Instant now = Instant.now();
        return orders.send(new ProducerRecord<>(stack.topics().orderEvents(), orderId, new OrderEvent(
            eventId, now, null, new OrderPlaced(orderId, null, channel, 0, now, lines, null))));
    }

    public void flushOrders() {
        orders.flush();
    }

    private <T> void send(KafkaProducer<String, T> producer, String key, T value) throws Exception {
        String topic = value instanceof LocationEvent ? stack.topics().locationEvents() : stack.topics().stockEvents();
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Override
    public void close() {
        orders.close();
        stock.close();
        locations.close();
    }
}
