package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.allotment.events.StockLevel;
import dev.allotment.schemas.FramedAvroSerde;
import dev.allotment.schemas.SchemaIds;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * {@link AvailableUnits}: the units read directly from a level's bytes are the level's available units, for any level
 * (strings of any length and script, any ints); a level written with a schema that does not begin as the reader
 * expects is decoded whole, to the same answer; a serde other than the engine's framed one is read whole too; and bytes
 * that end early are refused, not misread.
 */
class AvailableUnitsTest {
    private static final String TOPIC = "allotment.stock-levels";
    /** One registry for every serde here, as the engine has: the reader finds a writer's schema by its id. */
    private final List<Schema> schemas = new CopyOnWriteArrayList<>();
    private final SchemaIds ids = new SchemaIds() {
        @Override
        public synchronized int idOf(String subject, Schema schema) {
            if (!schemas.contains(schema)) {
                schemas.add(schema);
            }
            return 300 + schemas.indexOf(schema);
        }

        @Override
        public Schema schemaOf(int id) {
            return schemas.get(id - 300);
        }
    };
    private final Serde<StockLevel> levels = new FramedAvroSerde<>(StockLevel.class, ids, false);

    @Property(tries = 300)
    void theUnitsReadAreTheLevelsAvailableUnits(@ForAll @StringLength(min = 1, max = 60) String sku,
            @ForAll @StringLength(min = 1, max = 40) String location, @ForAll @IntRange(min = -1_000_000, max = 1_000_000) int available,
            @ForAll int physical, @ForAll int held, @ForAll boolean tracks) throws Exception {
        StockLevel level = StockLevel.newBuilder().setSku(sku).setLocationId(location).setPhysical(physical)
            .setAllocated(physical - available).setAvailable(available).setIncoming(3).setTracksStock(tracks)
            .setUpdatedAt(Instant.ofEpochMilli(1_764_000_000_000L)).setHeld(held).build();
        byte[] bytes = levels.serializer().serialize(TOPIC, level);

        assertEquals(available, AvailableUnits.reader(levels, TOPIC).applyAsInt(bytes));
        assertEquals(available, AvailableUnits.reader(levels, TOPIC).applyAsInt(reordered(level)),
            "a writer whose fields come in another order is decoded whole");
        byte[] cut = Arrays.copyOf(bytes, FramedAvroSerde.HEADER + 1);   // the SKU's length, and nothing after it
        assertThrows(SerializationException.class, () -> AvailableUnits.reader(levels, TOPIC).applyAsInt(cut));
        Serde<StockLevel> other = Serdes.serdeFrom(levels.serializer(), levels.deserializer());   // not the framed serde
        ToIntFunction<byte[]> whole = AvailableUnits.reader(other, TOPIC);
        assertEquals(available, whole.applyAsInt(bytes));
    }

    @Property(tries = 500)
    void numbersAndStringsAreReadWhereAvrosEncoderPutThem(@ForAll long value, @ForAll @StringLength(max = 300) String text)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeLong(value);
        encoder.flush();
        int numberEnd = out.size();
        encoder.writeString(text);
        encoder.writeInt(7);
        encoder.flush();
        byte[] bytes = out.toByteArray();

        assertEquals(value, AvailableUnits.varint(bytes, 0));
        assertEquals(numberEnd, AvailableUnits.varintEnd(bytes, 0));
        int stringEnd = AvailableUnits.skipString(bytes, numberEnd);
        assertEquals(7, AvailableUnits.varint(bytes, stringEnd), "the value after the string");
        assertEquals(bytes.length, AvailableUnits.varintEnd(bytes, stringEnd));
        for (int cut = numberEnd; cut < stringEnd; cut++) {   // a string that ends early is refused, not skipped past
            byte[] shorter = Arrays.copyOf(bytes, cut);
            assertThrows(SerializationException.class, () -> AvailableUnits.skipString(shorter, numberEnd));
        }
        byte[] endless = new byte[11];
        Arrays.fill(endless, (byte) 0x80);   // eleven continuation bytes: no varint is that long
        assertThrows(SerializationException.class, () -> AvailableUnits.varint(endless, 0));
        assertThrows(SerializationException.class, () -> AvailableUnits.varintEnd(endless, 0));
    }

    /**
     * The level framed as a writer would frame it whose schema has {@code available} first (a schema no release
     * wrote, but one the registry could hold): registered with the serdes' ids, so the reader resolves it.
     */
    private byte[] reordered(StockLevel level) throws Exception {
        Schema current = StockLevel.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field(current.getField("available"), current.getField("available").schema()));
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("available")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema other = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        int id = ids.idOf(TOPIC + "-value", other);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        GenericData.Record record = new GenericData.Record(other);
        for (Schema.Field f : current.getFields()) {
            record.put(f.name(), f.name().equals("updated_at") ? level.getUpdatedAt().toEpochMilli() : level.get(f.name()));
        }
        new GenericDatumWriter<GenericData.Record>(other, GenericData.get()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
