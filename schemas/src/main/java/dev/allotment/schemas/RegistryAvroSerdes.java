package dev.allotment.schemas;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Serdes backed by a schema registry through the Confluent Schema Registry API ({@link RegistryConnection}): the
 * engine's own {@link FramedAvroSerde}, which writes the Confluent wire format with the ids the registry gives.
 *
 * <p>A subject's id is registered (or found) once per subject and a writer schema fetched once per id, for the life
 * of the process, and shared by every serde made here: ids are immutable, so nothing cached goes stale. This
 * replaced Apicurio's own serde, which rendered the schema to JSON and built a resolving reader on every record
 * (about 60 % of the engine's CPU in docs/benchmarks/RESULTS.md).
 */
public final class RegistryAvroSerdes implements AvroSerdes {
    private final SchemaIds ids;

    public RegistryAvroSerdes(RegistryConnection registry) {
        this(new SchemaRegistrar(registry));
    }

    RegistryAvroSerdes(SchemaRegistrar registry) {
        this.ids = new CachedIds(registry);
    }

    @Override
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return new FramedAvroSerde<>(type, ids, false);
    }

    @Override
    public <T extends SpecificRecord> Serde<T> key(Class<T> type) {
        return new FramedAvroSerde<>(type, ids, true);
    }

    /** The registry's answers, kept: one call per subject and per id, whichever serde asks first. */
    private static final class CachedIds implements SchemaIds {
        private record SubjectSchema(String subject, Schema schema) {}

        private final SchemaRegistrar registry;
        private final Map<SubjectSchema, Integer> idsBySubject = new ConcurrentHashMap<>();
        private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

        CachedIds(SchemaRegistrar registry) {
            this.registry = registry;
        }

        @Override
        public int idOf(String subject, Schema schema) {
            return idsBySubject.computeIfAbsent(new SubjectSchema(subject, schema), k -> {
                int id = registry.register(k.subject(), k.schema());
                schemasById.putIfAbsent(id, k.schema());
                return id;
            });
        }

        @Override
        public Schema schemaOf(int id) {
            return schemasById.computeIfAbsent(id, registry::schemaOf);
        }
    }
}
