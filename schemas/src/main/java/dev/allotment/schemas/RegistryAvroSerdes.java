package dev.allotment.schemas;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes backed by a schema registry through Apicurio's Avro serde in its Confluent-framing mode
 * (4-byte content id after magic byte 0, no headers). Registry lookups are cached for the life of the process; the
 * serde still renders the schema to JSON to find it in that cache, and builds a resolving reader, on every record
 * (the engine's largest CPU cost in docs/benchmarks: replacing this serde is the next step for throughput).
 */
public final class RegistryAvroSerdes implements AvroSerdes {
    /** How long resolved schemas stay cached: ten years, i.e. for the life of the process. */
    static final java.time.Duration CACHE_LIFETIME = java.time.Duration.ofDays(3650);
    private final RegistryUrls urls;

    public RegistryAvroSerdes(RegistryUrls urls) {
        this.urls = urls;
        AvroTrust.trustEngineEvents();
    }

    Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, urls.apicurioV2());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        // Confluent framing: magic byte 0 and a 4-byte id (the registry's content id)
        config.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        // An id names immutable content, and content -> id never changes once registered: nothing cached here goes
        // stale. The default 30 s lifetime made every serde reload its entries synchronously on the stream thread,
        // stalling processing for up to seconds every 30 s (seen in JFR under the benchmarks).
        config.put(SerdeConfig.CHECK_PERIOD_MS, CACHE_LIFETIME.toMillis());
        return config;
    }

    @Override
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return create(false);
    }

    @Override
    public <T extends SpecificRecord> Serde<T> key(Class<T> type) {
        return create(true);
    }

    private <T extends SpecificRecord> Serde<T> create(boolean isKey) {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        Serde<T> serde = Serdes.serdeFrom(serializer, deserializer);
        serde.configure(config(), isKey);
        return serde;
    }
}
