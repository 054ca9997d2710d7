package dev.allotment.bench.engine;

import dev.allotment.bench.core.Zipf;
import dev.allotment.events.OrderLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.kafka.common.utils.Utils;

/**
 * The orders an engine scenario places, each a pure function of its index, so any order can be rebuilt (and its id
 * drawn at random) without keeping a million of them: 1–5 lines, 1–3 units each, over {@code skus} Zipf-popular
 * SKUs. SKU {@code i} is stocked at one warehouse, {@code L(1 + i mod 4)}, so an order's allocations spread over
 * the four warehouses the way its SKUs do (and a location filter finds some of them).
 */
public final class OrderMix {
    public static final int WAREHOUSES = 4;
    public static final int MAX_LINES = 5;
    public static final int MAX_QUANTITY = 3;

    private final Zipf zipf;
    private final long seed;

    public OrderMix(int skus, double exponent, long seed) {
        this.zipf = new Zipf(skus, exponent);
        this.seed = seed;
    }

    public int skus() {
        return zipf.size();
    }

    /** Order ids sort in index order (zero-padded), so a cursor page of them is a page of consecutive orders. */
    public static String orderId(long index) {
        return String.format(Locale.ROOT, "o-%09d", index);
    }

    /** The index of an id made by {@link #orderId}, or -1. */
    public static long indexOf(String orderId) {
        if (orderId == null || !orderId.startsWith("o-")) {
            return -1;
        }
        try {
            return Long.parseLong(orderId, 2, orderId.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The lines of order {@code index}: the same every time. */
    public List<OrderLine> lines(long index) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int n = 1 + random.nextInt(MAX_LINES);
        List<OrderLine> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(new OrderLine("l-" + (i + 1), Platform.sku(zipf.next(random) - 1), 1 + random.nextInt(MAX_QUANTITY)));
        }
        return lines;
    }

    /** A SKU drawn with its popularity. */
    public String popularSku(SplittableRandom random) {
        return Platform.sku(zipf.next(random) - 1);
    }

    /** The one warehouse (L1…L4) that stocks SKU {@code skuIndex}. */
    public static String warehouse(int skuIndex) {
        return "L" + (1 + skuIndex % WAREHOUSES);
    }

    /** The partition Kafka's default partitioner gives a string key (murmur2 of its UTF-8 bytes). */
    public static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
