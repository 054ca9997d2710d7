package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.Topics;
import dev.allotment.services.engine.StreamsRuntime;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka client settings file and {@code allotment.kafka.config.*} reach Kafka Streams (and so its producer,
 * consumers and admin), and an engine started with them takes an order end to end on the real broker. The secured
 * broker that proves every client carries them (no plaintext listener at all) is issue 17's next slice.
 */
@ExtendWith(RealInfrastructure.class)
class KafkaConnectionEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-connection.");
    static TestEngine engine;

    @BeforeAll
    static void start() throws Exception {
        Path file = Files.createTempFile("kafka-client", ".properties");
        Files.writeString(file, "client.dns.lookup=use_all_dns_ips\nmetadata.max.age.ms=120000\n");
        engine = TestEngine.start(TOPICS.prefix(), Map.of("allotment.api-keys", "admin-key=admin",
            "allotment.kafka.config-file", file.toString(), "allotment.kafka.config.metadata.max.age.ms", "90000",
            "allotment.streams.config.poll.ms", "7"));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theSettingsReachKafkaStreamsAndTheEngineRunsWithThem() {
        Properties streams = engine.context().getBean(StreamsRuntime.class).properties();
        assertEquals("use_all_dns_ips", streams.get("client.dns.lookup"), "from the file");
        assertEquals("90000", streams.get("metadata.max.age.ms"), "allotment.kafka.config.* goes over the file");
        assertEquals("7", String.valueOf(streams.get("poll.ms")), "a poll.ms set in allotment.streams.config is kept");
        assertTrue(engine.context().getBean(StreamsRuntime.class).skuClientProperties().isEmpty(), "no SKU client");

        Http http = engine.http();
        assertEquals(200, http.send("PUT", "/locations/wh-c", "{\"name\":\"C\"}", "Authorization", "Bearer admin-key").status());
        Http.Reply placed = http.send("POST", "/orders", "{\"order_id\":\"c-1\",\"channel\":\"manual\",\"lines\":[{\"line_id\":"
            + "\"l-1\",\"sku\":\"SKU-C\",\"quantity\":1}]}", "Authorization", "Bearer admin-key");
        assertEquals(201, placed.status(), placed.body());
    }
}
