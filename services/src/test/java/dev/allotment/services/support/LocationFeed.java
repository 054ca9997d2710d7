package dev.allotment.services.support;

import dev.allotment.events.LocationEvent;
import dev.allotment.events.LocationUpserted;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a location straight to the locations topic, as another instance's edge (or a platform's producer) would:
 * for tests of what this instance does with a location it did not write itself.
 */
public final class LocationFeed {
    private LocationFeed() {}

    /** Publishes {@code location} to {@code topics}' location events on the shared broker and waits for its ack. */
    public static void publish(Topics topics, LocationUpserted location) throws Exception {
        RealInfrastructure.Endpoints infra = RealInfrastructure.endpoints();
        try (KafkaProducer<String, LocationEvent> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()), new StringSerializer(),
            new RegistryAvroSerdes(RegistryConnection.of(infra.registryUrl())).value(LocationEvent.class).serializer())) {
            producer.send(new ProducerRecord<>(topics.locationEvents(), "location:" + location.getLocationId(),
                new LocationEvent(UUID.randomUUID().toString(), Instant.now(), null, location))).get();
        }
    }
}
