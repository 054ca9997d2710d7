package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SteadyScenarioTest {
    @Test
    void aRateRunIsSaturatedWhenThirtySecondsOfItsOrdersWaitUndecided() {
        assertEquals(100_000, SteadyScenario.saturationLimit(10_000, Duration.ofSeconds(30)), "10,000 lines/s: 3,333 orders/s");
        assertEquals(1000, SteadyScenario.saturationLimit(50, Duration.ofSeconds(30)), "never fewer than 1,000 orders");
    }
}
