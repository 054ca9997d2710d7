package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.OrderLine;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class OrderMixTest {
    private final OrderMix mix = new OrderMix(10_000, 1.0, 7);

    @Test
    void anOrderIsTheSameEveryTimeItIsBuilt() {
        assertEquals(mix.lines(123_456), new OrderMix(10_000, 1.0, 7).lines(123_456));
        assertNotEquals(mix.lines(1), mix.lines(2));
    }

    @Test
    void ordersHaveOneToFiveLinesOfOneToThreeUnitsWithDistinctLineIds() {
        Set<Integer> lineCounts = new HashSet<>();
        Set<Integer> quantities = new HashSet<>();
        long lines = 0;
        for (long i = 0; i < 10_000; i++) {
            List<OrderLine> order = mix.lines(i);
            lineCounts.add(order.size());
            lines += order.size();
            assertEquals(order.size(), order.stream().map(OrderLine::getLineId).distinct().count());
            order.forEach(l -> quantities.add(l.getQuantity()));
            order.forEach(l -> assertTrue(l.getSku().matches("SKU-\\d{5}"), l.getSku()));
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), lineCounts);
        assertEquals(Set.of(1, 2, 3), quantities);
        assertEquals(3.0, lines / 10_000.0, 0.1, "three lines an order on average");
    }

    @Test
    void idsSortInIndexOrderAndParseBack() {
        assertEquals("o-000000042", OrderMix.orderId(42));
        assertTrue(OrderMix.orderId(999).compareTo(OrderMix.orderId(1000)) < 0);
        assertEquals(999_999, OrderMix.indexOf(OrderMix.orderId(999_999)));
        assertEquals(-1, OrderMix.indexOf("x-1"));
        assertEquals(-1, OrderMix.indexOf("o-abc"));
    }

    @Test
    void skusAreStockedRoundRobinOverTheFourWarehouses() {
        assertEquals(List.of("L1", "L2", "L3", "L4", "L1"),
            List.of(OrderMix.warehouse(0), OrderMix.warehouse(1), OrderMix.warehouse(2), OrderMix.warehouse(3), OrderMix.warehouse(4)));
    }

    @Test
    void partitionsAreTheProducersDefault() {
        for (int i = 0; i < 1000; i++) {
            String key = OrderMix.orderId(i);
            assertEquals(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), 4), OrderMix.partition(key, 4));
        }
    }
}
