package dev.allotment.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Where Avro serdes come from: the one seam between the engine and a schema registry. Every
 * implementation writes the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary) with
 * schemas named by the topic-name strategy, so Confluent clients in any language interoperate.
 */
public interface AvroSerdes {

    /** A serde for record values of {@code type} (subject {@code <topic>-value}). */
    <T extends SpecificRecord> Serde<T> value(Class<T> type);

    /** A serde for record keys of {@code type} (subject {@code <topic>-key}). */
    <T extends SpecificRecord> Serde<T> key(Class<T> type);
}
