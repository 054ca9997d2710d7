package dev.allotment.schemas;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One Avro record type in the Confluent wire format: magic byte 0, the schema's 4-byte id (big-endian), Avro
 * binary. Subjects follow the topic-name strategy ({@code <topic>-value}, {@code <topic>-key}).
 *
 * <p>Everything that is the same for every record is worked out once: the 5-byte header per topic (one registry
 * call per topic for the life of the process), and the resolving reader per writer schema id. A record then costs
 * its Avro encoding or decoding and one copy. Serializers and deserializers are shared by stream threads, so the
 * caches are concurrent and the scratch buffers are per thread.
 */
public final class FramedAvroSerde<T extends SpecificRecord> implements Serde<T> {
    static final byte MAGIC = 0;
    /** The frame's length: the magic byte and the 4-byte schema id before the Avro body. */
    public static final int HEADER = 5;

    private final Class<T> type;
    /** The reader schema: the type's own, or null when the type is an interface and records are read as written. */
    private final Schema schema;
    private final SchemaIds ids;
    private final String subjectSuffix;
    private final Map<Class<?>, Writer> writers = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /**
     * A serde of {@code type}. An interface ({@code SpecificRecord} itself) serializes any generated record with
     * its own schema, and deserializes into the class the writer schema names.
     */
    public FramedAvroSerde(Class<T> type, SchemaIds ids, boolean isKey) {
        AvroTrust.trustEngineEvents();
        this.type = type;
        this.ids = ids;
        this.subjectSuffix = isKey ? "-key" : "-value";
        this.schema = type.isInterface() ? null : SpecificData.getForClass(type).getSchema(type);
    }

    /** How one record class is written: its schema, its writer, and its 5-byte header per topic. */
    private final class Writer {
        final Schema schema;
        final SpecificDatumWriter<Object> datumWriter;
        final Map<String, byte[]> headers = new ConcurrentHashMap<>();

        Writer(Class<?> recordClass) {
            SpecificData model = SpecificData.getForClass(recordClass);
            this.schema = model.getSchema(recordClass);
            this.datumWriter = new SpecificDatumWriter<>(schema, model);
        }

        byte[] header(String topic) {
            return headers.computeIfAbsent(topic, t -> {
                int id = ids.idOf(t + subjectSuffix, schema);
                return new byte[] {MAGIC, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
            });
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Writer writer = writers.computeIfAbsent(record.getClass(), Writer::new);
        byte[] header = writer.header(topic);
        Scratch buffers = scratch.get();
        Bytes out = buffers.out;
        out.reset();
        out.write(header, 0, header.length);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, buffers.encoder);
            buffers.encoder = encoder;
            writer.datumWriter.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + writer.schema.getFullName() + " for " + topic, e);
        }
        byte[] bytes = out.toByteArray();
        buffers.lastRecord = record;
        buffers.lastEncoding = bytes;
        return bytes;
    }

    /**
     * The bytes this thread's last {@link #serialize} returned, if it encoded {@code record} itself (the same object, not
     * an equal one), framed for the topic it was encoded for; null when the thread's last encoding by this serde was of
     * anything else. For a caller that writes one record twice in a row, to a store and to a feed: the second write
     * can reuse the first's Avro body ({@link #writeHeader}) instead of encoding the record again. The bytes must not be
     * changed: the first write still holds them.
     */
    public byte[] lastEncoding(T record) {
        Scratch buffers = scratch.get();
        return record != null && buffers.lastRecord == record ? buffers.lastEncoding : null;
    }

    /**
     * Writes the 5-byte frame of this serde's type on {@code topic} (magic byte 0 and its schema's id under the topic's
     * subject, asked of the registry once per topic) into the first five bytes of {@code into}, without a copy of its
     * own: a feed that frames bytes it cut from another encoding does so once per record. Throws IllegalStateException
     * for a serde of an interface, which has no one schema.
     */
    public void writeHeader(String topic, byte[] into) {
        if (type.isInterface()) {
            throw new IllegalStateException("a serde of " + type.getName() + " writes each record class with its own schema");
        }
        System.arraycopy(writers.computeIfAbsent(type, Writer::new).header(topic), 0, into, 0, HEADER);
    }

    T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int id = schemaId(bytes, topic);
        DatumReader<T> reader = readers.computeIfAbsent(id, this::reader);
        Scratch buffers = scratch.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, buffers.decoder);
        buffers.decoder = decoder;
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + type.getName() + " (writer schema id " + id
                + ") from " + topic, e);
        }
        if (!endOfInput(decoder)) {   // a record is the whole value: bytes after it mean the frame is not what it claims
            throw new SerializationException("trailing bytes after the " + type.getName() + " (writer schema id " + id
                + ") on " + topic + ": the value is not one Avro record");
        }
        return record;
    }

    private static boolean endOfInput(BinaryDecoder decoder) {
        try {
            return decoder.isEnd();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The schema id in {@code framed}'s frame. Throws SerializationException when the bytes are not Confluent-framed
     * Avro (too short, or no magic byte 0).
     */
    public static int schemaId(byte[] framed) {
        return schemaId(framed, null);
    }

    /** {@link #schemaId(byte[])}, its refusal naming {@code topic} when there is one. */
    private static int schemaId(byte[] framed, String topic) {
        if (framed.length < HEADER || framed[0] != MAGIC) {
            throw new SerializationException("not Confluent-framed Avro (no magic byte 0)"
                + (topic == null ? "" : " on " + topic));
        }
        return ((framed[1] & 0xff) << 24) | ((framed[2] & 0xff) << 16) | ((framed[3] & 0xff) << 8) | (framed[4] & 0xff);
    }

    /**
     * The schema a record framed with {@code id} was written with, from the registry (asked once per id for the life of
     * the process). Throws SerializationException for an id the registry does not know.
     */
    public Schema writerSchema(int id) {
        try {
            return ids.schemaOf(id);
        } catch (RuntimeException e) {
            throw new SerializationException("unknown schema id " + id + " for " + type.getName(), e);
        }
    }

    private DatumReader<T> reader(int id) {
        Schema writerSchema = writerSchema(id);
        if (schema == null) {
            return new SpecificDatumReader<>(writerSchema, writerSchema, SpecificData.getForSchema(writerSchema));
        }
        return new SpecificDatumReader<>(writerSchema, schema, SpecificData.getForClass(type));
    }

    /** A thread's reusable encoder, decoder and output buffer, and the last record it encoded with what it returned. */
    private static final class Scratch {
        final Bytes out = new Bytes();
        BinaryEncoder encoder;
        BinaryDecoder decoder;
        Object lastRecord;
        byte[] lastEncoding;
    }

    /** A growable byte buffer without {@link java.io.ByteArrayOutputStream}'s locks. */
    private static final class Bytes extends OutputStream {
        private byte[] buf = new byte[512];
        private int count;

        void reset() {
            count = 0;
            if (buf.length > 1 << 20) {
                buf = new byte[512]; // one huge record does not pin a megabyte per thread for ever
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }
    }
}
