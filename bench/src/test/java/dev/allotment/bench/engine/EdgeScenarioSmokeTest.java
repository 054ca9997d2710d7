package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.RunResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of edge operation for a second, each command with an Idempotency-Key of its own ({@code --keyed}; CI's
 * bench smoke runs them without), with a platform placing orders meanwhile, against a real broker, registry and
 * engine: each answer is the expected one, and after each run the engine's stock agrees with the answers, allocated and physical units both (the scenario
 * checks it and fails otherwise).
 */
class EdgeScenarioSmokeTest {
    @Test
    void everyOperationAnswersAsExpectedAndTheStockAgrees(@TempDir Path out) throws Exception {
        BenchResult r = EdgeScenario.run(Options.parse("edge", "--smoke", "--out", out.toString(), "--warmup", "0.5s",
            "--duration", "1s", "--rate", "50", "--clients", "4", "--background-orders", "100", "--keyed"));
        assertEquals(List.of("allocate", "confirm", "crux", "query", "adjust"), r.runs().stream().map(run -> run.tags().get("op")).toList());
        assertEquals("true", r.parameters().get("keyed"), "the report says the commands carried keys");
        for (RunResult run : r.runs()) {
            assertEquals(50.0, run.offeredRate());
            assertTrue(run.completed() >= 45, run.toString());
            assertEquals(0L, run.extra().get("errors"));
            assertEquals(50L, run.extra().get("commit_interval_ms"));
            assertTrue(String.valueOf(run.extra().get("stock_check")).endsWith("as answered"), run.extra().toString());
            assertTrue(run.latency().p50() > 0, run.toString());
            // a platform placed orders on the same SKUs meanwhile (1.5 s at 100 a second), and the stock still agrees
            assertTrue(run.extra().get("background_orders") instanceof Long n && n >= 100, run.extra().toString());
        }
        assertEquals(Map.of("allocate 201", r.runs().get(0).completed()), r.runs().get(0).extra().get("statuses"));
        @SuppressWarnings("unchecked")
        Map<String, Long> answers = (Map<String, Long>) r.runs().get(1).extra().get("statuses");
        assertEquals(r.runs().get(1).completed(), answers.get("confirm 200") + answers.get("reject 200"), answers.toString());
        assertEquals(r.runs().get(1).completed() / 10, answers.get("reject 200"), "every tenth answer rejects: " + answers);
        assertEquals(Map.of("crux 200", r.runs().get(2).completed()), r.runs().get(2).extra().get("statuses"));
        assertEquals(Map.of("query 200", r.runs().get(3).completed()), r.runs().get(3).extra().get("statuses"));
        assertEquals(Map.of("adjust 200", r.runs().get(4).completed()), r.runs().get(4).extra().get("statuses"));
    }
}
