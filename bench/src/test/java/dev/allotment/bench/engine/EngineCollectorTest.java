package dev.allotment.bench.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine is launched with G1, as shipped, unless the run's JVM options name another collector. */
class EngineCollectorTest {
    @Test
    void anOptionThatSelectsACollectorReplacesG1() {
        assertTrue(EngineStack.choosesCollector("-XX:+UseZGC"));
        assertTrue(EngineStack.choosesCollector("-XX:+UseShenandoahGC"));
        assertTrue(EngineStack.choosesCollector("-XX:+UseParallelGC"));
        assertFalse(EngineStack.choosesCollector("-XX:MaxGCPauseMillis=10"));
        assertFalse(EngineStack.choosesCollector("-XX:-UseG1GC"));
        assertFalse(EngineStack.choosesCollector("-XX:+UseStringDeduplication"));
    }
}
