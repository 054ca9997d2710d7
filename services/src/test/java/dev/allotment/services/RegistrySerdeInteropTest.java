package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.allotment.events.OrderCancelled;
import dev.allotment.events.OrderEvent;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.RegistryProcess;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine's own serde against the real registry: its bytes are the Confluent wire format with the registry's
 * ids, so what Apicurio's Confluent-framing serde (the engine's serde until issue 7) wrote is read, what the engine
 * writes Apicurio's serde reads, and a Confluent client resolving the id through {@code /schemas/ids/{id}} gets the
 * writer schema back.
 */
@ExtendWith(RealInfrastructure.class)
class RegistrySerdeInteropTest {
    private final String topic = "interop-" + UUID.randomUUID();

    private static OrderEvent event(String id) {
        return OrderEvent.newBuilder().setEventId(id).setOccurredAt(Instant.ofEpochMilli(42_000))
            .setPayload(OrderCancelled.newBuilder().setOrderId("o-" + id).setReason("customer asked").build()).build();
    }

    /** Apicurio's own API, beside the Confluent one the engine is given. */
    private static String apicurioV2(String confluentApi) {
        return confluentApi.substring(0, confluentApi.length() - RegistryProcess.CONFLUENT_API.length()) + "/apis/registry/v2";
    }

    private static Map<String, Object> apicurioConfig(String registry) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, apicurioV2(registry));
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        config.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        return config;
    }

    @Test
    void theEngineAndApicurioReadEachOthersBytesWithTheSameIds() throws Exception {
        String registry = RealInfrastructure.endpoints().registryUrl();
        Serde<OrderEvent> engine = new RegistryAvroSerdes(RegistryConnection.of(registry)).value(OrderEvent.class);
        AvroKafkaSerializer<OrderEvent> apicurioWriter = new AvroKafkaSerializer<>();
        apicurioWriter.configure(apicurioConfig(registry), false);
        AvroKafkaDeserializer<OrderEvent> apicurioReader = new AvroKafkaDeserializer<>();
        apicurioReader.configure(apicurioConfig(registry), false);

        byte[] fromApicurio = apicurioWriter.serialize(topic, event("a"));
        byte[] fromEngine = engine.serializer().serialize(topic, event("b"));

        assertEquals(event("a"), engine.deserializer().deserialize(topic, fromApicurio));
        assertEquals(event("b"), apicurioReader.deserialize(topic, fromEngine));
        assertEquals(0, fromEngine[0], "magic byte");
        int id = ByteBuffer.wrap(fromEngine, 1, 4).getInt();
        assertEquals(ByteBuffer.wrap(fromApicurio, 1, 4).getInt(), id, "one schema, one id, whichever serde asked");

        // what a Confluent client does with the id it reads
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(registry + "/schemas/ids/" + id)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        Schema published = new Schema.Parser().parse(new ObjectMapper().readTree(answer.body()).path("schema").asText());
        assertEquals(OrderEvent.getClassSchema(), published);
    }
}
