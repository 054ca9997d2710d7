package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.bench.Options;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgePlanTest {
    @Test
    void runsAreClientsByOperationByRate() {
        Options o = Options.parse("edge", "--allocate-rate", "100,200", "--answer-rate", "50", "--query-rate", "1000");
        List<EdgeScenario.Run> plan = EdgeScenario.plan(o, List.of("allocate", "crux", "query"), List.of(8, 32));
        assertEquals(8, plan.size());
        assertEquals(new EdgeScenario.Run("allocate", 100, 8), plan.get(0));
        assertEquals(new EdgeScenario.Run("allocate", 200, 8), plan.get(1));
        assertEquals(new EdgeScenario.Run("crux", 50, 8), plan.get(2));
        assertEquals(new EdgeScenario.Run("query", 1000, 8), plan.get(3));
        assertEquals(new EdgeScenario.Run("allocate", 100, 32), plan.get(4));
    }

    @Test
    void defaultsFollowTheIssue() {
        assertEquals(List.of(250.0, 500.0, 1000.0), EdgeScenario.rates(Options.parse("edge"), "allocate"));
        assertEquals(List.of(250.0, 500.0), EdgeScenario.rates(Options.parse("edge"), "confirm"));
        assertEquals(List.of(250.0, 500.0), EdgeScenario.rates(Options.parse("edge"), "crux"));
        assertEquals(List.of(1000.0, 2500.0, 5000.0), EdgeScenario.rates(Options.parse("edge"), "query"));
        assertEquals(List.of(250.0, 1000.0), EdgeScenario.rates(Options.parse("edge"), "adjust"));
        assertEquals(List.of(50.0), EdgeScenario.rates(Options.parse("edge", "--smoke"), "adjust"));
        assertEquals(List.of(50.0), EdgeScenario.rates(Options.parse("edge", "--smoke"), "allocate"));
        assertEquals(List.of(100.0), EdgeScenario.rates(Options.parse("edge", "--smoke"), "query"));
    }

    @Test
    void onlyTheCommandsOnAnOrderHaveOrdersPrepared() {
        assertTrue(EdgeScenario.usesOrders("allocate"));
        assertTrue(EdgeScenario.usesOrders("confirm"));
        assertTrue(EdgeScenario.usesOrders("crux"));
        assertFalse(EdgeScenario.usesOrders("query"));
        assertFalse(EdgeScenario.usesOrders("adjust"));
    }

    @Test
    void aRepeatedRunIsRefusedBeforeAnythingStarts() {
        Options o = Options.parse("edge", "--rate", "100,100");
        assertThrows(IllegalArgumentException.class, () -> EdgeScenario.plan(o, List.of("allocate"), List.of(8)));
        assertThrows(IllegalArgumentException.class, () -> EdgeScenario.run(Options.parse("edge", "--ops", "allocate,allocate")));
        assertThrows(IllegalArgumentException.class, () -> EdgeScenario.run(Options.parse("edge", "--ops", "delete")));
        assertThrows(IllegalArgumentException.class, () -> EdgeScenario.run(Options.parse("edge", "--rate", "max")));
    }
}
