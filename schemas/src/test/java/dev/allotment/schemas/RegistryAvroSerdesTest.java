package dev.allotment.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apicurio.registry.serde.SerdeConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The serde settings the engine relies on: Confluent framing, and schemas resolved once per process. */
class RegistryAvroSerdesTest {
    private final Map<String, Object> config = new RegistryAvroSerdes(new RegistryUrls("http://127.0.0.1:1")).config();

    @Test
    void resolvedSchemasAreNotReloadedOnTheStreamThreadEveryThirtySeconds() {
        long lifetime = ((Number) config.get(SerdeConfig.CHECK_PERIOD_MS)).longValue();
        assertTrue(lifetime >= Duration.ofDays(365).toMillis(), "cache lifetime " + lifetime + " ms");
    }

    @Test
    void writesTheConfluentWireFormat() {
        assertEquals(false, config.get(SerdeConfig.ENABLE_HEADERS));
        assertEquals("contentId", config.get(SerdeConfig.USE_ID));
    }
}
