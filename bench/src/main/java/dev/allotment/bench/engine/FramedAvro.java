package dev.allotment.bench.engine;

import dev.allotment.schemas.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The load generator's own Avro in the Confluent wire format (magic byte 0, a 4-byte schema id, Avro binary), the
 * same bytes as the registry serde's but without its per-record cost. Apicurio's serializer turns the whole schema
 * into JSON text on every record to look its id up, and its deserializer builds a new resolving reader for every
 * record: tens of microseconds each, taken from the machine the engine runs on and, for the decision watcher, added
 * to the latency it measures. Here the serializer learns the id from the registry serde's first record and writes
 * the rest itself; the deserializer fetches each writer schema once by id and keeps one reader per schema.
 * Anything it cannot frame or resolve goes to the registry serde.
 */
final class FramedAvro {
    private FramedAvro() {}

    /** Serializes like {@code registry} (which registers the schema and names its id with the first record of a topic). */
    static <T extends SpecificRecord> Serializer<T> serializer(Serializer<T> registry) {
        return new FramedSerializer<>(registry);
    }

    /** Decodes records framed with a schema id, the writer schemas looked up by {@code writerSchemas} (null: unknown). */
    static <T extends SpecificRecord> Deserializer<T> deserializer(Deserializer<T> registry, Schema readerSchema,
                                                                   IntFunction<Schema> writerSchemas) {
        return new FramedDeserializer<>(registry, readerSchema, writerSchemas);
    }

    /** Writer schemas from an Apicurio registry by content id (the id the engine's serdes frame records with). */
    static IntFunction<Schema> registrySchemas(String registryUrl) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return id -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(registryUrl + "/apis/registry/v2/ids/contentIds/" + id)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return new Schema.Parser().parse(r.body());
                }
                System.err.println("no writer schema " + id + " in the registry (" + r.statusCode() + "): its records are "
                    + "decoded by the registry serde");
                return null;
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot fetch writer schema " + id + " from the registry (" + e + "): its records are "
                    + "decoded by the registry serde");
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        };
    }

    static int schemaId(byte[] framed) {
        return framed != null && framed.length >= 5 && framed[0] == 0 ? ByteBuffer.wrap(framed, 1, 4).getInt() : -1;
    }

    private static final class FramedSerializer<T extends SpecificRecord> implements Serializer<T> {
        private final Serializer<T> registry;
        private final Map<String, byte[]> headers = new ConcurrentHashMap<>();
        private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
        private final Map<String, Schema> headerSchemas = new ConcurrentHashMap<>();

        FramedSerializer(Serializer<T> registry) {
            this.registry = registry;
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            registry.configure(configs, isKey);
        }

        @Override
        public byte[] serialize(String topic, T data) {
            if (data == null) {
                return null;
            }
            byte[] header = headers.get(topic);
            if (header == null || headerSchemas.get(topic) != data.getSchema()) {
                byte[] first = registry.serialize(topic, data);
                if (schemaId(first) >= 0) {
                    headers.put(topic, java.util.Arrays.copyOf(first, 5));
                    headerSchemas.put(topic, data.getSchema());
                }
                return first;
            }
            SpecificDatumWriter<T> writer = writers.computeIfAbsent(data.getSchema(), SpecificDatumWriter::new);
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.writeBytes(header);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                writer.write(data, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        @Override
        public void close() {
            registry.close();
        }
    }

    private static final class FramedDeserializer<T extends SpecificRecord> implements Deserializer<T> {
        private final Deserializer<T> registry;
        private final Schema readerSchema;
        private final IntFunction<Schema> writerSchemas;
        private final Map<Integer, Optional<SpecificDatumReader<T>>> readers = new ConcurrentHashMap<>();

        FramedDeserializer(Deserializer<T> registry, Schema readerSchema, IntFunction<Schema> writerSchemas) {
            AvroTrust.trustEngineEvents();
            this.registry = registry;
            this.readerSchema = readerSchema;
            this.writerSchemas = writerSchemas;
        }

        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            registry.configure(configs, isKey);
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            int id = schemaId(data);
            if (id < 0) {
                return data == null ? null : registry.deserialize(topic, data);
            }
            Optional<SpecificDatumReader<T>> reader = readers.computeIfAbsent(id, i ->
                Optional.ofNullable(writerSchemas.apply(i)).map(writer -> new SpecificDatumReader<T>(writer, readerSchema)));
            if (reader.isEmpty()) {
                return registry.deserialize(topic, data);
            }
            try {
                return reader.get().read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decode a record of " + topic + " with schema " + id, e);
            }
        }

        @Override
        public void close() {
            registry.close();
        }
    }
}
