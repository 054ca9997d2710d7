package dev.allotment.schemas;

import org.apache.avro.Schema;

/**
 * Where the ids of the Confluent wire format come from: a schema registry, or a map in memory for tests. Both
 * answers are immutable once given (an id names one schema forever, and a subject's schema keeps its id), so
 * {@link FramedAvroSerde} asks once per topic and once per id, and never again.
 */
public interface SchemaIds {

    /** The id of {@code schema} under {@code subject}, registering it there if it is not yet. */
    int idOf(String subject, Schema schema);

    /** The schema that {@code id} names. Fails if there is none. */
    Schema schemaOf(int id);
}
