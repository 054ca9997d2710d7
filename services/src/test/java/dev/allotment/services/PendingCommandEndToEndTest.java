package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.Topics;
import dev.allotment.services.support.Http;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Past the command timeout the edge answers 202 with a Location, and the Location answers once decided. */
@ExtendWith(RealInfrastructure.class)
class PendingCommandEndToEndTest {
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-pending.").prefix(), Map.of("allotment.api-keys", "k=admin", "allotment.http.command-timeout", "1ms",
            // an answer waits for the engine's commit, so a commit a second apart cannot land within the 1 ms
            "allotment.streams.commit-interval-ms", "1000", "allotment.commands.answer-commit-gap", "0ms",
            // any Kafka Streams setting passes through, dotted keys intact
            "allotment.streams.config.statestore.cache.max.bytes", "1048577",
            "allotment.streams.config.producer.batch.size", "65537"));
        http = engine.http();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void streamsSettingsPassThroughFromAllotmentStreamsConfig() {
        java.util.Properties props = engine.context().getBean(dev.allotment.services.engine.StreamsRuntime.class).properties();
        assertEquals("1048577", props.get("statestore.cache.max.bytes"));
        assertEquals("65537", props.get("producer.batch.size"));
        assertEquals("exactly_once_v2", props.get("processing.guarantee"), "the defaults stay where not overridden");
    }

    @Test
    void aCommandNotDecidedInTimeIsA202WhoseLocationAnswersLater() {
        Http.Reply placed = http.send("POST", "/orders", "{\"order_id\":\"slow-1\",\"channel\":\"manual\",\"lines\":"
            + "[{\"line_id\":\"l\",\"sku\":\"SLOW\",\"quantity\":1}]}", "x-api-key", "k");
        assertEquals(202, placed.status(), placed.body());
        String order = placed.headers().firstValue("Location").orElseThrow();
        assertEquals("/orders/slow-1", order);
        await().atMost(Duration.ofSeconds(20)).until(() -> http.send("GET", order, null, "x-api-key", "k").status() == 200);

        http.send("PUT", "/locations/wh-slow", "{}", "x-api-key", "k");
        await().atMost(Duration.ofSeconds(20)).until(() -> http.send("GET", "/locations/wh-slow", null, "x-api-key", "k").status() == 200);
        Http.Reply stock = http.send("PUT", "/stock/wh-slow/SLOW", "{\"physical\":1}", "x-api-key", "k", "Idempotency-Key", "slow-stock");
        assertEquals(202, stock.status(), stock.body());
        String command = stock.headers().firstValue("Location").orElseThrow();
        assertTrue(command.contains("slow-stock%3Astock"), "the command is named from the caller's key: " + command);
        await().atMost(Duration.ofSeconds(20)).until(() -> http.send("GET", command, null, "x-api-key", "k").status() == 200);
        assertEquals("accepted", http.send("GET", command, null, "x-api-key", "k").json().path("status").asText());
        Http.Reply again = http.send("PUT", "/stock/wh-slow/SLOW", "{\"physical\":1}", "x-api-key", "k", "Idempotency-Key", "slow-stock");
        assertEquals(200, again.status(), "a decided key answers its outcome at once: " + again.body());
        Http.Reply third = http.send("PUT", "/stock/wh-slow/SLOW", "{\"physical\":1}", "x-api-key", "k", "Idempotency-Key", "slow-stock");
        assertEquals(200, third.status(), third.body());
        assertEquals(again.body(), third.body(), "the first decided answer, again");
        assertEquals("true", third.headers().firstValue("Idempotent-Replayed").orElse(null), "a replay says so");
    }
}
