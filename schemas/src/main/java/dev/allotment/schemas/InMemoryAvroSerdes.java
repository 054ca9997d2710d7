package dev.allotment.schemas;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Confluent-framed Avro serdes with schema ids held in this object instead of a registry: for
 * TopologyTestDriver tests and in-process benchmarks, where no registry runs. The same serde and the same bytes
 * on the wire as {@link RegistryAvroSerdes}, except that the ids are local.
 */
public final class InMemoryAvroSerdes implements AvroSerdes {
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Schema, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final SchemaIds ids = new SchemaIds() {
        @Override
        public int idOf(String subject, Schema schema) {
            return idsBySchema.computeIfAbsent(schema, s -> {
                int id = schemasById.size() + 1;
                schemasById.put(id, s);
                return id;
            });
        }

        @Override
        public Schema schemaOf(int id) {
            Schema schema = schemasById.get(id);
            if (schema == null) {
                throw new IllegalArgumentException("no schema has id " + id);
            }
            return schema;
        }
    };

    @Override
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return new FramedAvroSerde<>(type, ids, false);
    }

    @Override
    public <T extends SpecificRecord> Serde<T> key(Class<T> type) {
        return new FramedAvroSerde<>(type, ids, true);
    }

    /** The schema registered under {@code id}, as a registry would answer. */
    public Schema schema(int id) {
        return schemasById.get(id);
    }
}
