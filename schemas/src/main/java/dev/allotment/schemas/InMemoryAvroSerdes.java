package dev.allotment.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Confluent-framed Avro serdes with schema ids held in this object instead of a registry: for
 * TopologyTestDriver tests and in-process benchmarks, where no registry runs. Same bytes on the wire
 * as {@link RegistryAvroSerdes} except that the ids are local.
 */
public final class InMemoryAvroSerdes implements AvroSerdes {
    private static final byte MAGIC = 0;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Schema, Integer> idsBySchema = new ConcurrentHashMap<>();

    public InMemoryAvroSerdes() {
        AvroTrust.trustEngineEvents();
    }

    @Override
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return Serdes.serdeFrom(serializer(), deserializer(type));
    }

    @Override
    public <T extends SpecificRecord> Serde<T> key(Class<T> type) {
        return value(type);
    }

    /** The schema registered under {@code id}, as a registry would answer. */
    public Schema schema(int id) {
        return schemasById.get(id);
    }

    private int idOf(Schema schema) {
        return idsBySchema.computeIfAbsent(schema, s -> {
            int id = schemasById.size() + 1;
            schemasById.put(id, s);
            return id;
        });
    }

    private <T extends SpecificRecord> Serializer<T> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            Schema schema = record.getSchema();
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(MAGIC);
            out.writeBytes(ByteBuffer.allocate(4).putInt(idOf(schema)).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                new SpecificDatumWriter<T>(schema).write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + schema.getFullName() + " for " + topic, e);
            }
            return out.toByteArray();
        };
    }

    private <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
        Schema reader = SpecificData.get().getSchema(type);
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (bytes.length < 5 || buffer.get() != MAGIC) {
                throw new SerializationException("not Confluent-framed Avro on " + topic + " (no magic byte 0)");
            }
            int id = buffer.getInt();
            Schema writer = schemasById.get(id);
            if (writer == null) {
                throw new SerializationException("unknown schema id " + id + " on " + topic);
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            try {
                return new SpecificDatumReader<T>(writer, reader).read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + reader.getFullName() + " from " + topic, e);
            }
        };
    }
}
