package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderLine;
import dev.allotment.events.OrderPlaced;
import dev.allotment.schemas.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The load generator's framing writes the registry serde's bytes and reads them back, falling back where it must. */
class FramedAvroTest {
    private static final int ID = 4242;
    private final AtomicInteger registryCalls = new AtomicInteger();

    static {
        AvroTrust.trustEngineEvents();
    }

    /** Stands in for the registry serde: the Confluent framing with schema id {@link #ID}. */
    private final Serializer<OrderEvent> registrySerializer = (topic, data) -> {
        registryCalls.incrementAndGet();
        return framed(data);
    };

    private final Deserializer<OrderEvent> registryDeserializer = (topic, data) -> {
        registryCalls.incrementAndGet();
        return null;
    };

    static byte[] framed(OrderEvent e) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {0, 0, 0, (byte) (ID >> 8), (byte) (ID & 0xff)});
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(OrderEvent.class).write(e, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static OrderEvent order(String id, int lines) {
        List<OrderLine> l = new java.util.ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            l.add(new OrderLine(Integer.toString(i), Platform.sku(i * 7), i));
        }
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        return new OrderEvent("e-" + id, at, null, new OrderPlaced(id, null, Platform.CHANNEL, 0, at, l));
    }

    @Test
    void afterTheFirstRecordTheBytesAreTheRegistrySerdesWrittenWithoutIt() {
        Serializer<OrderEvent> s = FramedAvro.serializer(registrySerializer);
        assertArrayEquals(framed(order("o-1", 1)), s.serialize("orders", order("o-1", 1)));
        assertEquals(1, registryCalls.get());
        for (int i = 2; i < 50; i++) {
            assertArrayEquals(framed(order("o-" + i, i % 5 + 1)), s.serialize("orders", order("o-" + i, i % 5 + 1)));
        }
        assertEquals(1, registryCalls.get(), "the registry serde named the id once");
        assertEquals(ID, FramedAvro.schemaId(s.serialize("orders", order("o-x", 2))));
        s.serialize("other-topic", order("o-y", 1));
        assertEquals(2, registryCalls.get(), "each topic's id comes from the registry serde");
    }

    @Test
    void recordsAreReadWithTheWriterSchemaOfTheirIdAndTheRestGoToTheRegistrySerde() {
        AtomicInteger lookups = new AtomicInteger();
        Deserializer<OrderEvent> d = FramedAvro.deserializer(registryDeserializer, OrderEvent.getClassSchema(), id -> {
            lookups.incrementAndGet();
            return id == ID ? OrderEvent.getClassSchema() : null;
        });
        for (int i = 0; i < 20; i++) {
            assertEquals(order("o-" + i, 3), d.deserialize("orders", framed(order("o-" + i, 3))));
        }
        assertEquals(1, lookups.get(), "one lookup per schema id");
        assertEquals(0, registryCalls.get());

        byte[] unknown = framed(order("o-u", 1));
        unknown[4] = 1;  // another id, which the lookup does not know
        d.deserialize("orders", unknown);
        d.deserialize("orders", new byte[] {1, 2, 3});  // not framed at all
        assertEquals(2, registryCalls.get());
        assertEquals(null, d.deserialize("orders", null));
    }
}
