package dev.allotment.services;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * A client's command is answered once its outcome is committed, and the outcome asks for that commit
 * (allotment.commands.answer-commit-gap) rather than waiting for the commit interval: with an interval far longer than
 * the command timeout, commands are still answered, decided, within it. (Without the ask, each change would be answered
 * 200 only when the interval's commit happened to fall within its 2 s: all five, about once in 2,000 runs.)
 */
@ExtendWith(RealInfrastructure.class)
class AnswerCommitEndToEndTest {
    static TestEngine engine;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(Topics.withPrefix("e2e-answer-commit.").prefix(), Map.of("allotment.api-keys", "k=admin",
            "allotment.http.command-timeout", "2s", "allotment.commands.answer-commit-gap", "10ms",
            // a commit by the interval rarely within a command's timeout (and under Kafka Streams' 10 s transaction timeout)
            "allotment.streams.commit-interval-ms", "9000"));
        http = engine.http();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void stockChangesAreAnsweredDecidedLongBeforeTheCommitInterval() {
        http.send("PUT", "/locations/wh-ac", "{}", "x-api-key", "k");
        await().atMost(Duration.ofSeconds(20)).until(() -> http.send("GET", "/locations/wh-ac", null, "x-api-key", "k").status() == 200);
        for (int i = 1; i <= 5; i++) {
            long started = System.nanoTime();
            Http.Reply set = http.send("PUT", "/stock/wh-ac/SKU-AC", "{\"physical\":" + (10 * i) + "}", "x-api-key", "k");
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, set.status(), "change " + i + " after " + tookMs + " ms: " + set.body());
            Http.Reply level = http.send("GET", "/stock/SKU-AC", null, "x-api-key", "k");
            assertEquals(10 * i, level.json().path("totals").path("physical").asInt(), "a read after the answer sees it: " + level.body());
        }
    }
}
