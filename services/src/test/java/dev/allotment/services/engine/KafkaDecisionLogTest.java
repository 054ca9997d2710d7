package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.ReservationCancelled;
import dev.allotment.events.ReservationCreated;
import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.streams.state.EngineUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real broker: the order histories' positions are read back from the decision log as the engine writes it (in
 * transactions, some aborted), from any offset, cached, and an offset the topic's retention deleted is reported gone,
 * not waited for.
 */
@ExtendWith(RealInfrastructure.class)
class KafkaDecisionLogTest {
    private final InMemoryAvroSerdes serdes = new InMemoryAvroSerdes();

    @Test
    void eventsAreReadAtTheirOffsetsAcrossTransactionsAndCachedAndDeletedOnesAreGone() throws Exception {
        String topic = "decision-log-test.allocation-events";
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        Serializer<AllocationEvent> encode = serdes.value(AllocationEvent.class).serializer();
        AtomicInteger decoded = new AtomicInteger();
        Deserializer<AllocationEvent> counting = counting(decoded);
        Map<Long, String> written = new TreeMap<>();   // partition 1: offset to event id, committed records only
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                 ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "decision-log-test"),
                 new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            producer.initTransactions();
            int n = 0;
            for (int txn = 0; txn < 6; txn++) {
                producer.beginTransaction();
                List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String id = "e-" + n++;
                    ids.add(id);
                    sent.add(producer.send(new ProducerRecord<>(topic, 1, "o-" + (i % 7), encode.serialize(topic, event(id)))));
                }
                producer.flush();
                if (txn == 2) {
                    producer.abortTransaction();   // its records stay in the log, never read by read_committed
                    continue;
                }
                producer.commitTransaction();
                for (int i = 0; i < sent.size(); i++) {
                    written.put(sent.get(i).get().offset(), ids.get(i));
                }
            }
            List<Long> offsets = new ArrayList<>(written.keySet());
            List<Long> asked = List.of(offsets.get(0), offsets.get(1), offsets.get(57), offsets.get(120), offsets.get(199));
            AtomicInteger consumers = new AtomicInteger();
            KafkaDecisionLog log = new KafkaDecisionLog(topic, counting, Duration.ofSeconds(10), () -> {
                consumers.incrementAndGet();
                // small fetches: the reads seek and poll on
                return reader(bootstrap, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024);
            }, new SimpleMeterRegistry());
            try {
                Map<Long, AllocationEvent> found = log.read(1, asked);
                assertEquals(asked.size(), found.size(), found.keySet().toString());
                asked.forEach(o -> assertEquals(written.get(o), found.get(o).getEventId().toString(), "offset " + o));

                int decodedOnce = decoded.get();
                assertEquals(found, log.read(1, asked), "the same events again");
                assertEquals(decodedOnce, decoded.get(), "from the cache: nothing decoded again");

                List<Long> all = log.read(1, offsets).keySet().stream().sorted().toList();
                assertEquals(offsets, all, "every committed record, read in order across the aborted transaction");
                assertEquals(1, consumers.get(), "one pooled consumer served every read");

                // the topic's retention deletes the partition's start: positions there are gone, answered at once
                long cut = offsets.get(100);
                admin.deleteRecords(Map.of(new TopicPartition(topic, 1), RecordsToDelete.beforeOffset(cut))).all().get();
                List<Long> spanning = List.of(offsets.get(2), offsets.get(99), cut, offsets.get(150));
                long started = System.nanoTime();
                // not cached: offsets 2 and 99 were read before, so ask for them as a fresh reader would
                MeterRegistry meters = new SimpleMeterRegistry();
                KafkaDecisionLog fresh = new KafkaDecisionLog(topic, counting, Duration.ofSeconds(10), () -> reader(bootstrap),
                    meters);
                try {
                    Map<Long, AllocationEvent> after = fresh.read(1, spanning);
                    assertEquals(List.of(cut, offsets.get(150)), after.keySet().stream().sorted().toList());
                    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5_000, "gone, not waited for");
                    assertEquals(2.0, meters.counter(KafkaDecisionLog.MISSING).count(), "the two gone events counted");
                    fresh.read(1, List.of(cut, offsets.get(150)));
                    assertEquals(2.0, meters.counter(KafkaDecisionLog.MISSING).count(), "a whole read counts nothing");
                } finally {
                    fresh.close();
                }
            } finally {
                log.close();
            }
        }
    }

    @Test
    void aLogThatCannotBeReadAnswersUnavailableWithinItsBound() {
        KafkaDecisionLog log = new KafkaDecisionLog("nowhere.allocation-events", serdes.value(AllocationEvent.class).deserializer(),
            Duration.ofMillis(800), () -> reader("127.0.0.1:1", ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50),
            new SimpleMeterRegistry());
        try {
            long started = System.nanoTime();
            assertThrows(EngineUnavailableException.class, () -> log.read(0, List.of(3L)));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMs >= 700 && tookMs < 5_000, "waited its bound, " + tookMs + " ms");
        } finally {
            log.close();
        }
    }

    @Test
    void aReadAtTheLogsEndDoesNotWaitForTheBrokerToHoldAFetchAheadOfIt() throws Exception {
        String topic = "decision-log-end.allocation-events";
        List<Long> offsets = produce(topic, List.of(encoded(topic, "e-0"), encoded(topic, "e-1"), encoded(topic, "e-2")));
        KafkaDecisionLog log = log(topic, new SimpleMeterRegistry());
        try {
            assertEquals(1, log.read(0, List.of(offsets.get(2))).size());   // the pooled consumer now fetches at the end
            for (int i = 0; i < 2; i++) {
                long started = System.nanoTime();
                assertEquals(1, log.read(0, List.of(offsets.get(i))).size());
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                // behind a fetch the broker holds at the end (fetch.max.wait.ms, 500 by default) it took 500 ms or more
                assertTrue(tookMs < 400, "read " + i + " took " + tookMs + " ms");
                assertEquals(1, log.read(0, List.of(offsets.get(2))).size());
            }
        } finally {
            log.close();
        }
    }

    @Test
    void aRecordThatCannotBeDecodedIsLeftOutCountedAndTheRestIsRead() throws Exception {
        String topic = "decision-log-poison.allocation-events";
        List<Long> offsets = produce(topic, Arrays.asList(encoded(topic, "e-0"), new byte[] {0, 0, 0, 0, 42, 1}, null,
            encoded(topic, "e-3")));
        MeterRegistry meters = new SimpleMeterRegistry();
        KafkaDecisionLog log = log(topic, meters);
        try {
            Map<Long, AllocationEvent> found = log.read(0, offsets);
            assertEquals(List.of(offsets.get(0), offsets.get(3)), found.keySet().stream().sorted().toList(),
                "a record of an unknown schema and one without a value are left out, not fatal");
            assertEquals("e-3", found.get(offsets.get(3)).getEventId().toString());
            assertEquals(2.0, meters.counter(KafkaDecisionLog.MISSING).count(), "both left out, both counted");
        } finally {
            log.close();
        }
    }

    /**
     * An order whose record marks where to look for its reservation ({@code OrderFold.reservationAfter}: the fold holds
     * the reservation's own offset, or held it in a task that stopped) has it looked for after the mark: found past
     * other orders' records, an aborted transaction's copy and the order's other events, its offset kept so that the
     * next read of that history decodes nothing; an order without one is not given another's.
     */
    @Test
    void aReservationIsFoundAfterTheMarkPastOtherOrdersAndAbortedRecordsAndFoundOnce() throws Exception {
        String topic = "decision-log-search.allocation-events";
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        Serializer<AllocationEvent> encode = serdes.value(AllocationEvent.class).serializer();
        AtomicInteger decoded = new AtomicInteger();
        Deserializer<AllocationEvent> counting = counting(decoded);
        long mark = 0;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                 ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "decision-log-search"),
                 new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 1_500; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "o-" + (i % 50), encode.serialize(topic, reservation("o-" + (i % 50), "r-" + i))));
            }
            mark = producer.send(new ProducerRecord<>(topic, 0, "o-1", encode.serialize(topic, event("e-mark")))).get().offset();
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "o-77", encode.serialize(topic, reservation("o-77", "aborted"))));
            producer.flush();
            producer.abortTransaction();   // in the log, never read by read_committed
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "o-77", encode.serialize(topic, event("o-77-not-a-reservation"))));
            for (int i = 0; i < 5_000; i++) {   // other orders' events: many fetches on
                producer.send(new ProducerRecord<>(topic, 0, "o-" + (i % 50), encode.serialize(topic, event("e-" + i))));
            }
            producer.send(new ProducerRecord<>(topic, 0, "o-77", encode.serialize(topic, reservation("o-77", "the-one"))));
            producer.send(new ProducerRecord<>(topic, 0, "o-77", encode.serialize(topic, reservation("o-77", "a-later-one"))));
            producer.commitTransaction();
        }
        MeterRegistry meters = new SimpleMeterRegistry();
        KafkaDecisionLog log = new KafkaDecisionLog(topic, counting, Duration.ofSeconds(10), () -> reader(bootstrap), meters);
        try {
            AllocationEvent found = log.reservationAfter(0, "o-77", mark).orElseThrow();
            assertEquals("the-one", found.getEventId().toString());
            int decodedOnce = decoded.get();
            assertEquals(2, decodedOnce, "only the order's own committed records decoded, up to its reservation");
            assertEquals("the-one", log.reservationAfter(0, "o-77", mark).orElseThrow().getEventId().toString());
            assertEquals(decodedOnce, decoded.get(), "found once: its offset and event kept");

            assertTrue(log.reservationAfter(0, "o-none", mark).isEmpty(), "another order's is not its own");
            assertEquals(1.0, meters.counter(KafkaDecisionLog.MISSING).count(), "not found: counted as an event missing");
        } finally {
            log.close();
        }
    }

    /** The log's decoder, counting in {@code decoded} each record it decodes. */
    private Deserializer<AllocationEvent> counting(AtomicInteger decoded) {
        Deserializer<AllocationEvent> inner = serdes.value(AllocationEvent.class).deserializer();
        return (t, bytes) -> {
            decoded.incrementAndGet();
            return inner.deserialize(t, bytes);
        };
    }

    private static AllocationEvent reservation(String orderId, String id) {
        return AllocationEvent.newBuilder().setEventId(id).setOccurredAt(Instant.parse("2026-12-01T10:00:00Z"))
            .setOrderId(orderId).setPayload(new ReservationCreated(orderId, "web", 0, Instant.parse("2026-12-01T10:00:00Z"),
                List.of())).build();
    }

    /** Creates {@code topic} with one partition and writes {@code values} to it (null: no value), giving their offsets. */
    private static List<Long> produce(String topic, List<byte[]> values) throws Exception {
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        List<Long> offsets = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                 new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (byte[] value : values) {
                offsets.add(producer.send(new ProducerRecord<>(topic, 0, "o-1", value)).get().offset());
            }
        }
        return offsets;
    }

    private byte[] encoded(String topic, String eventId) {
        return serdes.value(AllocationEvent.class).serializer().serialize(topic, event(eventId));
    }

    /** The engine's reader of {@code topic}, on the test's broker. */
    private KafkaDecisionLog log(String topic, MeterRegistry meters) throws Exception {
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        return new KafkaDecisionLog(topic, serdes.value(AllocationEvent.class).deserializer(), Duration.ofSeconds(10),
            () -> reader(bootstrap), meters);
    }

    /** A reader as the engine makes it ({@link KafkaDecisionLog#readerSettings}), with {@code overrides}. */
    private static KafkaConsumer<byte[], byte[]> reader(String bootstrap, Object... overrides) {
        Map<String, Object> settings = KafkaConnection.of(bootstrap, null, Map.of())
            .with(KafkaDecisionLog.readerSettings().toArray());
        for (int i = 0; i < overrides.length; i += 2) {
            settings.put((String) overrides[i], overrides[i + 1]);
        }
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static AllocationEvent event(String id) {
        return AllocationEvent.newBuilder().setEventId(id).setOccurredAt(Instant.parse("2026-12-01T10:00:00Z"))
            .setOrderId("o-1").setPayload(new ReservationCancelled("test")).build();
    }
}
