package dev.allotment.streams.topology;

import dev.allotment.events.StockLevel;
import dev.allotment.schemas.FramedAvroSerde;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * Reads the available units of a stock level as the global stock view holds it (a framed {@code StockLevel}, as it came
 * on allotment.stock-levels) without decoding the rest of it. Placing asks the view for every SKU of an order at each
 * location of its channel until one can fill the whole order, and decoding whole levels (two strings, a timestamp and
 * six more fields each) was most of that check's cost: 3–5 % of the stream thread in steady and flash-sale profiles.
 * Avro's own projection (a reader schema of the one field) skips the other fields at about the same cost as decoding
 * them, so the units are read directly: a level whose writer schema begins {@code sku, location_id} (strings) and
 * {@code physical, allocated, available} (ints), as every version of the schema so far does, has its available units
 * as the fifth value of its Avro body, after two length-prefixed strings and two varints. A level written with any
 * other schema is decoded whole.
 */
final class AvailableUnits implements ToIntFunction<byte[]> {
    /** The fields before the available units, and it, with their types: what a writer schema must begin with. */
    private static final List<String> PREFIX = List.of("sku", "location_id", "physical", "allocated", "available");
    private static final List<Schema.Type> PREFIX_TYPES = List.of(Schema.Type.STRING, Schema.Type.STRING, Schema.Type.INT,
        Schema.Type.INT, Schema.Type.INT);

    private final FramedAvroSerde<StockLevel> serde;
    private final Deserializer<StockLevel> whole;
    private final String topic;
    /** By writer schema id: whether its levels can be read directly. */
    private final Map<Integer, Boolean> direct = new ConcurrentHashMap<>();

    private AvailableUnits(FramedAvroSerde<StockLevel> serde, String topic) {
        this.serde = serde;
        this.whole = serde.deserializer();
        this.topic = topic;
    }

    /**
     * A reader of the available units of levels encoded by {@code serde}'s kind: one that reads them directly when it is
     * the engine's framed serde, or else one that decodes each level whole. {@code topic} names the levels' topic in
     * errors.
     */
    static ToIntFunction<byte[]> reader(Serde<StockLevel> serde, String topic) {
        if (serde instanceof FramedAvroSerde<StockLevel> framed) {
            return new AvailableUnits(framed, topic);
        }
        Deserializer<StockLevel> whole = serde.deserializer();
        return bytes -> whole.deserialize(topic, bytes).getAvailable();
    }

    @Override
    public int applyAsInt(byte[] level) {
        int id = FramedAvroSerde.schemaId(level);
        if (!direct.computeIfAbsent(id, this::readableDirectly)) {
            return whole.deserialize(topic, level).getAvailable();
        }
        int at = skipString(level, FramedAvroSerde.HEADER);   // sku
        at = skipString(level, at);                            // location_id
        at = varintEnd(level, at);                             // physical
        at = varintEnd(level, at);                             // allocated
        long available = varint(level, at);
        if (available != (int) available) {
            throw new SerializationException("a StockLevel's available units on " + topic + " are not an int");
        }
        return (int) available;
    }

    private boolean readableDirectly(int id) {
        List<Schema.Field> fields = serde.writerSchema(id).getFields();
        if (fields.size() < PREFIX.size()) {
            return false;
        }
        for (int i = 0; i < PREFIX.size(); i++) {
            if (!fields.get(i).name().equals(PREFIX.get(i)) || fields.get(i).schema().getType() != PREFIX_TYPES.get(i)) {
                return false;
            }
        }
        return true;
    }

    /*
     * Avro's zig-zag varints and length-prefixed strings, read from a position of an array by static methods that
     * return values and positions, so that a read allocates nothing.
     */

    /** The value of the zig-zag varint at {@code at}. */
    static long varint(byte[] bytes, int at) {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at >= bytes.length) {
                throw new SerializationException("a StockLevel ends inside a number");
            }
            byte b = bytes[at++];
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new SerializationException("a StockLevel holds a number longer than ten bytes");
    }

    /** The position just after the varint at {@code at}. */
    static int varintEnd(byte[] bytes, int at) {
        for (int i = 0; i < 10; i++) {
            if (at >= bytes.length) {
                throw new SerializationException("a StockLevel ends inside a number");
            }
            if (bytes[at++] >= 0) {
                return at;
            }
        }
        throw new SerializationException("a StockLevel holds a number longer than ten bytes");
    }

    /** The position just after the length-prefixed string at {@code at}. */
    static int skipString(byte[] bytes, int at) {
        long length = varint(bytes, at);
        int start = varintEnd(bytes, at);
        if (length < 0 || length > bytes.length - start) {
            throw new SerializationException("a StockLevel holds a string longer than its bytes");
        }
        return start + (int) length;
    }
}
