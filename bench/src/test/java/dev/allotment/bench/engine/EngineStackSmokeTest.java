package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.OrderLine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The stack every engine scenario stands on: a real broker, registry and engine process; a platform publishing in
 * Avro; the decision log read back read_committed. Also that a fresh engine instance starts on empty state.
 */
class EngineStackSmokeTest {
    @Test
    void anOrderPublishedInAvroIsDecidedAndSeenOnTheDecisionLog() throws Exception {
        try (EngineStack stack = EngineStack.start("127.0.0.1:1", false, EngineStack.Settings.defaults());
             Platform platform = new Platform(stack)) {
            Map<String, Integer> units = new ConcurrentHashMap<>();
            try (Decisions decisions = new Decisions(stack, (order, line, sku, location, n, allocated, seen) ->
                units.merge(order + "/" + line + "/" + (allocated ? location : "backordered"), n, Integer::sum))) {
                List<String> at = platform.warehouses(2);
                platform.stock(3, List.of(at.get(1)), 5);
                Polling.await(Duration.ofSeconds(60), () -> stack.stockKnown(Platform.sku(2)));
                EngineUsage usage = new EngineUsage(stack);
                platform.place("o-1", List.of(new OrderLine("1", Platform.sku(0), 2), new OrderLine("2", Platform.sku(1), 7))).get();
                Polling.await(Duration.ofSeconds(60), () -> units.size() == 3);
                decisions.check();
                assertEquals(Map.of("o-1/1/L2", 2, "o-1/2/L2", 5, "o-1/2/backordered", 2), units);
                assertEquals(7, decisions.allocatedUnits());
                assertEquals(2, decisions.backorderedUnits());
                Map<String, Object> facts = new java.util.LinkedHashMap<>();
                usage.putInto(facts, "lines", 2);
                // deciding the order took at least one commit of the SKU's task (its decisions are read read_committed)
                assertTrue(facts.get("engine_commits") instanceof Long n && n >= 1, facts.toString());
                assertTrue(facts.get("lines_per_commit") instanceof Double, facts.toString());
                // the stream thread's commits and time shares, as Kafka Streams measured them on this engine
                assertTrue(facts.get("stream_commit_ms_avg") instanceof Double ms && ms >= 0, facts.toString());
                assertTrue(facts.get("stream_process_ratio") instanceof Double r && r >= 0 && r <= 1, facts.toString());
            }
            assertTrue(stack.engineHeapUsed() > 0, "the engine reports its heap");
            assertTrue(stack.engineCpu().toMillis() > 0, "the engine's CPU time is readable");
            stack.stopEngine();
            Duration restart = stack.startEngine(stack.settings());
            assertTrue(stack.healthy(), "a fresh instance on empty state became healthy in " + restart);
        }
    }
}
