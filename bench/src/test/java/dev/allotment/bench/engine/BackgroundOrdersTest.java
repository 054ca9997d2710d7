package dev.allotment.bench.engine;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The background orders keep to their schedule: as many due as the rate and the time since the start say. */
class BackgroundOrdersTest {
    @Test
    void ordersDueFollowTheRate() {
        assertEquals(0, BackgroundOrders.due(250, 0));
        assertEquals(2, BackgroundOrders.due(250, TimeUnit.MILLISECONDS.toNanos(10)));
        assertEquals(250, BackgroundOrders.due(250, TimeUnit.SECONDS.toNanos(1)));
        assertEquals(7_500, BackgroundOrders.due(250, TimeUnit.SECONDS.toNanos(30)));
        assertEquals(1, BackgroundOrders.due(0.5, TimeUnit.SECONDS.toNanos(3)));
    }
}
