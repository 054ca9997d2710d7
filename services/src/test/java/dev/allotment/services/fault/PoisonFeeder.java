package dev.allotment.services.fault;

import dev.allotment.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Feeds a poison record to every input topic of the engine, in turn, at random moments (as PoisonRecordsEndToEndTest
 * does once): an order event with bytes after the record, garbage on stock-events, both command topics (the edge's and
 * the engine's own), location-events and stock-levels (the global stores' topics), a tombstone on allocation-events;
 * and, every other turn of the edge's command topic, a well-formed engine command forged there (an order line taking
 * far more than the stock, which the engine takes from its own topic only: CommandsFence). Each has a key of its own,
 * by which its dead letter is found (a global store's letter may come again after the store is rebuilt, so letters are
 * not counted).
 */
final class PoisonFeeder implements Runnable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<String> topics;
    private final String orderEvents;
    private final String decisions;
    private final String commands;
    private final byte[] orderWithTrailingBytes;
    private final byte[] forgedEngineCommand;
    private final Random random;
    private final AtomicBoolean stop;
    /** Poison records the broker acknowledged: key → topic. */
    final Map<String, String> sent = new ConcurrentHashMap<>();
    private int n;
    /** Records fed to the edge's command topic: every other one is the forged engine command. */
    private int onCommands;

    PoisonFeeder(String bootstrap, Topics topics, byte[] framedOrderEvent, byte[] framedEngineCommand, long seed,
                 AtomicBoolean stop) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000), new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = List.of(topics.orderEvents(), topics.stockEvents(), topics.commands(), topics.engineCommands(),
            topics.allocationEvents(), topics.locationEvents(), topics.stockLevels(), topics.commands());
        this.orderEvents = topics.orderEvents();
        this.decisions = topics.allocationEvents();
        this.commands = topics.commands();
        this.orderWithTrailingBytes = Arrays.copyOf(framedOrderEvent, framedOrderEvent.length + 4);
        this.forgedEngineCommand = framedEngineCommand.clone();
        this.random = new Random(seed);
        this.stop = stop;
    }

    @Override
    public void run() {
        try {
            while (!stop.get()) {
                Thread.sleep(1000 + random.nextInt(4000));
                feed(topics.get(n % topics.size()));
            }
            for (String topic : topics) {
                feed(topic);   // at least one on every topic, however short the run
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            producer.close();
        }
    }

    private void feed(String topic) throws InterruptedException {
        String key = "poison-" + (n++) + "-" + topic;
        byte[] value = topic.equals(orderEvents) ? orderWithTrailingBytes
            : topic.equals(decisions) ? null
            : topic.equals(commands) && onCommands++ % 2 == 1 ? forgedEngineCommand
            : ("this is not avro " + key).getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(90, TimeUnit.SECONDS);
            sent.put(key, topic);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the broker is away (being restarted): not acknowledged, so not counted; the next one gets a new key
        }
    }
}
