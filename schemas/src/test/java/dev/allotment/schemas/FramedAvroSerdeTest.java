package dev.allotment.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The engine's Confluent-framed serde: the wire format, ids asked once, writer schemas resolved by id. */
class FramedAvroSerdeTest {
    /** A registry in memory that counts what it is asked. */
    private static final class CountingIds implements SchemaIds {
        final Map<String, Integer> subjects = new HashMap<>();
        final Map<Schema, Integer> idsBySchema = new HashMap<>();
        final Map<Integer, Schema> schemas = new HashMap<>();
        final AtomicInteger idCalls = new AtomicInteger();
        final AtomicInteger schemaCalls = new AtomicInteger();

        @Override
        public synchronized int idOf(String subject, Schema schema) {
            idCalls.incrementAndGet();
            // like a registry: one id per schema, whatever the subject
            int id = idsBySchema.computeIfAbsent(schema, this::put);
            subjects.put(subject, id);
            return id;
        }

        synchronized int put(Schema schema) {
            int id = 100 + schemas.size();
            schemas.put(id, schema);
            return id;
        }

        @Override
        public synchronized Schema schemaOf(int id) {
            schemaCalls.incrementAndGet();
            Schema schema = schemas.get(id);
            if (schema == null) {
                throw new IllegalArgumentException("no schema " + id);
            }
            return schema;
        }
    }

    private final CountingIds ids = new CountingIds();
    private final FramedAvroSerde<OrderEvent> serde = new FramedAvroSerde<>(OrderEvent.class, ids, false);

    private static OrderEvent event(int i) {
        return OrderEvent.newBuilder().setEventId("e-" + i).setOccurredAt(Instant.ofEpochMilli(1000 + i))
            .setPayload(OrderCancelled.newBuilder().setOrderId("o-" + i).setReason("reason " + i).build()).build();
    }

    @Test
    void writesMagicByteBigEndianIdAndAvroBinaryAndReadsItBack() throws Exception {
        byte[] bytes = serde.serializer().serialize("orders", event(1));
        assertEquals(0, bytes[0], "magic byte");
        assertEquals(100, ByteBuffer.wrap(bytes, 1, 4).getInt(), "the registry's id, big-endian");
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(OrderEvent.class).write(event(1), encoder);
        encoder.flush();
        byte[] body = java.util.Arrays.copyOfRange(bytes, 5, bytes.length);
        assertArrayEquals(plain.toByteArray(), body, "plain Avro binary after the header");
        assertEquals(event(1), serde.deserializer().deserialize("orders", bytes));
    }

    @Test
    void remembersOnEachThreadTheLastEncodingOfTheObjectItself() throws Exception {
        OrderEvent first = event(1);
        byte[] written = serde.serializer().serialize("orders", first);
        assertSame(written, serde.lastEncoding(first), "the bytes returned, for the same object");
        assertNull(serde.lastEncoding(event(1)), "an equal record is not the one encoded");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            assertNull(other.submit(() -> serde.lastEncoding(first)).get(), "another thread encoded nothing");
        } finally {
            other.shutdown();
        }
        serde.serializer().serialize("orders", event(2));
        assertNull(serde.lastEncoding(first), "the last encoding is of another record");
        assertNull(serde.lastEncoding(null));
    }

    @Test
    void writesTheFrameOfItsTypeOnATopicIntoAnArray() {
        byte[] bytes = serde.serializer().serialize("orders", event(1));
        byte[] into = {9, 9, 9, 9, 9, 9, 9};
        serde.writeHeader("orders", into);
        assertArrayEquals(java.util.Arrays.copyOf(bytes, FramedAvroSerde.HEADER), java.util.Arrays.copyOf(into, FramedAvroSerde.HEADER));
        assertEquals(9, into[5], "only the frame's five bytes are written");
        into[1] = 42;   // the serde's own frame is not the caller's array
        byte[] again = new byte[FramedAvroSerde.HEADER];
        serde.writeHeader("orders", again);
        assertArrayEquals(java.util.Arrays.copyOf(bytes, FramedAvroSerde.HEADER), again);
        FramedAvroSerde<SpecificRecord> any = new FramedAvroSerde<>(SpecificRecord.class, ids, false);
        assertThrows(IllegalStateException.class, () -> any.writeHeader("orders", again));
    }

    @Test
    void asksTheRegistryOncePerTopicAndOncePerIdNotPerRecord() {
        for (int i = 0; i < 1_000; i++) {
            byte[] bytes = serde.serializer().serialize(i % 2 == 0 ? "a" : "b", event(i));
            assertEquals(event(i), serde.deserializer().deserialize("a", bytes));
        }
        assertEquals(2, ids.idCalls.get(), "one id per topic");
        assertEquals(1, ids.schemaCalls.get(), "one writer schema per id");
        assertEquals(2, ids.subjects.size());
    }

    @Test
    void namesSubjectsByTheTopicNameStrategy() {
        List<String> asked = new ArrayList<>();
        SchemaIds recording = new SchemaIds() {
            @Override
            public int idOf(String subject, Schema schema) {
                asked.add(subject);
                return 1;
            }

            @Override
            public Schema schemaOf(int id) {
                return OrderEvent.getClassSchema();
            }
        };
        new FramedAvroSerde<>(OrderEvent.class, recording, false).serializer().serialize("orders", event(1));
        new FramedAvroSerde<>(OrderEvent.class, recording, true).serializer().serialize("orders", event(1));
        assertEquals(List.of("orders-value", "orders-key"), asked);
    }

    @Test
    void readsRecordsWrittenWithAnotherWriterSchemaByItsId() throws Exception {
        // a newer producer's schema: the same envelope with one more field at the end
        ObjectMapper json = new ObjectMapper();
        ObjectNode newer = (ObjectNode) json.readTree(OrderEvent.getClassSchema().toString());
        ((ArrayNode) newer.get("fields")).addObject().put("name", "trace").put("type", "long").put("default", 0);
        int newerId = ids.put(new Schema.Parser().parse(newer.toString()));
        byte[] current = serde.serializer().serialize("orders", event(7));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        written.write(new byte[] {0, 0, 0, 0, (byte) newerId});
        written.write(current, 5, current.length - 5);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(written, null);
        encoder.writeLong(123_456_789L); // the trailing field the reader does not know
        encoder.flush();
        assertEquals(event(7), serde.deserializer().deserialize("orders", written.toByteArray()));
    }

    @Test
    void tellsTheSchemaIdOfAFrameAndTheSchemaItNames() {
        byte[] bytes = serde.serializer().serialize("orders", event(1));
        int id = FramedAvroSerde.schemaId(bytes);
        assertEquals(100, id);
        assertEquals(OrderEvent.getClassSchema(), serde.writerSchema(id));
        assertThrows(SerializationException.class, () -> FramedAvroSerde.schemaId(new byte[] {1, 0, 0, 0, 100}));
        assertThrows(SerializationException.class, () -> FramedAvroSerde.schemaId(new byte[] {0, 0}));
        assertThrows(SerializationException.class, () -> serde.writerSchema(4_242));
    }

    @Test
    void refusesBytesWithoutTheFrameOrWithAnUnknownIdNamingTheTopic() {
        SerializationException json = assertThrows(SerializationException.class,
            () -> serde.deserializer().deserialize("t-json", "{\"order_id\":1}".getBytes()));
        assertTrue(json.getMessage().contains("no magic byte 0") && json.getMessage().contains("t-json"), json.getMessage());
        SerializationException unknown = assertThrows(SerializationException.class,
            () -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0x7f, 1, 2}));
        assertTrue(unknown.getMessage().contains("32513"), unknown.getMessage());
        SerializationException shortOne = assertThrows(SerializationException.class,
            () -> serde.deserializer().deserialize("t-short", new byte[] {0, 0}));
        assertTrue(shortOne.getMessage().contains("t-short"), shortOne.getMessage());
    }

    @Test
    void refusesAValueWithBytesAfterTheRecord() {
        byte[] framed = serde.serializer().serialize("t", event(1));
        byte[] padded = java.util.Arrays.copyOf(framed, framed.length + 3);

        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("t", padded));
        assertEquals(true, e.getMessage().contains("trailing bytes"), e.getMessage());
        assertEquals(event(1), serde.deserializer().deserialize("t", framed));
    }

    @Test
    void aSerdeOfAnyRecordWritesEachWithItsOwnSchemaAndReadsItBackAsItsClass() {
        FramedAvroSerde<SpecificRecord> any = new FramedAvroSerde<>(SpecificRecord.class, ids, false);
        OrderCancelled payload = OrderCancelled.newBuilder().setOrderId("o-9").setReason("r").build();
        byte[] envelope = any.serializer().serialize("t", event(9));
        byte[] bare = any.serializer().serialize("t", payload);
        assertEquals(OrderEvent.getClassSchema(), ids.schemaOf(ByteBuffer.wrap(envelope, 1, 4).getInt()));
        assertEquals(OrderCancelled.getClassSchema(), ids.schemaOf(ByteBuffer.wrap(bare, 1, 4).getInt()));
        assertEquals(event(9), any.deserializer().deserialize("t", envelope));
        assertEquals(payload, any.deserializer().deserialize("t", bare));
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertNull(serde.serializer().serialize("t", null));
        assertNull(serde.deserializer().deserialize("t", null));
    }

    @Test
    void threadsSharingOneSerdeNeverSeeEachOthersBytes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Callable<Integer> work = () -> {
                    for (int i = 0; i < 5_000; i++) {
                        OrderEvent sent = event(thread * 100_000 + i);
                        byte[] bytes = serde.serializer().serialize("t" + (i % 3), sent);
                        assertEquals(sent, serde.deserializer().deserialize("t", bytes));
                    }
                    return thread;
                };
                results.add(pool.submit(work));
            }
            for (Future<Integer> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, ids.subjects.size());
    }
}
