package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.events.OrderLine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteadyOrdersTest {
    @Test
    void ordersHaveOneToFiveLinesOfOneToThreeUnitsOverZipfPopularSkus() {
        SteadyOrders orders = new SteadyOrders(100, 1.0, 7);
        Map<Integer, Integer> lineCounts = new HashMap<>();
        Map<Integer, Integer> quantities = new HashMap<>();
        Map<String, Integer> skus = new HashMap<>();
        int n = 20_000;
        long lines = 0;
        for (int i = 0; i < n; i++) {
            List<OrderLine> order = orders.next();
            lineCounts.merge(order.size(), 1, Integer::sum);
            lines += order.size();
            int units = 0;
            for (int l = 0; l < order.size(); l++) {
                OrderLine line = order.get(l);
                assertEquals(Integer.toString(l + 1), line.getLineId());
                quantities.merge(line.getQuantity(), 1, Integer::sum);
                skus.merge(line.getSku(), 1, Integer::sum);
                units += line.getQuantity();
            }
            assertEquals(units, SteadyOrders.units(order));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), lineCounts.keySet().stream().sorted().toList());
        assertEquals(List.of(1, 2, 3), quantities.keySet().stream().sorted().toList());
        assertEquals(3.0, (double) lines / n, 0.05, "three lines an order on average");
        assertTrue(skus.keySet().stream().allMatch(s -> s.compareTo(Platform.sku(0)) >= 0 && s.compareTo(Platform.sku(99)) <= 0));
        // s = 1: the most popular SKU sells about twice as often as the second, ten times as often as the tenth
        double first = skus.get(Platform.sku(0));
        assertEquals(2.0, first / skus.get(Platform.sku(1)), 0.25);
        assertEquals(10.0, first / skus.get(Platform.sku(9)), 2.0);
    }

    @Test
    void theSameSeedOffersTheSameOrders() {
        SteadyOrders a = new SteadyOrders(10_000, 1.0, 7);
        SteadyOrders b = new SteadyOrders(10_000, 1.0, 7);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.next(), b.next());
        }
    }
}
