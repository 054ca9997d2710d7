package dev.allotment.bench.engine;

import dev.allotment.bench.core.Zipf;
import dev.allotment.events.OrderLine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Orders of the steady shape: 1–5 lines (uniformly), each of 1–3 units (uniformly), each line's SKU drawn by Zipf
 * popularity over {@code skus} SKUs (rank k is {@link Platform#sku(int) SKU k-1}). Two lines of one order may name
 * the same SKU, as in the PostgreSQL baseline. Seeded, so every run offers the same orders.
 */
public final class SteadyOrders {
    public static final int MAX_LINES = 5;
    public static final int MAX_UNITS = 3;

    private final Zipf zipf;
    private final SplittableRandom random;

    public SteadyOrders(int skus, double exponent, long seed) {
        this.zipf = new Zipf(skus, exponent);
        this.random = new SplittableRandom(seed);
    }

    /** The lines of the next order, with line ids "1"…"n". */
    public List<OrderLine> next() {
        int n = 1 + random.nextInt(MAX_LINES);
        List<OrderLine> lines = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            lines.add(new OrderLine(Integer.toString(i), Platform.sku(zipf.next(random) - 1), 1 + random.nextInt(MAX_UNITS)));
        }
        return lines;
    }

    /** The units an order asks for: the sum of its lines' quantities. */
    public static int units(List<OrderLine> lines) {
        int units = 0;
        for (OrderLine line : lines) {
            units += line.getQuantity();
        }
        return units;
    }
}
