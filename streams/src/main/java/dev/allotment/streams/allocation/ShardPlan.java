package dev.allotment.streams.allocation;

import dev.allotment.streams.order.Limits;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many shards (sub-allotments, each with its own single writer) each SKU's stock is split into, and which shard an
 * order's line of it goes to (docs/design/sku-shards.md). Shard 0 is the SKU itself ({@code SKU-1}), shard k &ge; 1 is
 * {@code SKU-1#k}: a SKU with one shard, the default, is keyed as it always was. SKU ids cannot contain the mark
 * ({@link Limits#skuProblem}), so a key names one shard of one SKU.
 */
public record ShardPlan(Map<String, Integer> shardsBySku, int defaultShards) {
    /** Every SKU in one shard: the engine as it was. */
    public static final ShardPlan UNSHARDED = new ShardPlan(Map.of(), 1);

    public ShardPlan {
        shardsBySku = Map.copyOf(shardsBySku);
        if (defaultShards < 1 || shardsBySku.values().stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("a SKU has at least one shard: " + shardsBySku + ", default " + defaultShards);
        }
    }

    /** The most shards one SKU may be split into: more than any commands topic has partitions to spread them on. */
    public static final int MAX_SHARDS = 1024;

    /**
     * A plan from its written form, {@code SKU-1=4,SKU-2=8} (blank: no SKU sharded; SKUs not named keep one shard).
     * Throws IllegalArgumentException naming the entry that is not a valid SKU id with a shard count of 1 to
     * {@link #MAX_SHARDS}, or a SKU named twice.
     */
    public static ShardPlan parse(String written) {
        if (written == null || written.isBlank()) {
            return UNSHARDED;
        }
        Map<String, Integer> shards = new LinkedHashMap<>();
        for (String entry : written.split(",", -1)) {
            String e = entry.strip();
            int eq = e.indexOf('=');
            if (eq <= 0 || eq != e.lastIndexOf('=')) {
                throw new IllegalArgumentException("'" + e + "' is not SKU=N (for example SKU-1=4)");
            }
            String sku = e.substring(0, eq).strip();
            Limits.skuProblem(sku).ifPresent(problem -> {
                throw new IllegalArgumentException("'" + e + "': the SKU " + problem);
            });
            int n;
            try {
                n = Integer.parseInt(e.substring(eq + 1).strip());
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("'" + e + "': the number of shards is not a whole number");
            }
            if (n < 1 || n > MAX_SHARDS) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "'%s': a SKU has 1 to %d shards", e, MAX_SHARDS));
            }
            if (shards.put(sku, n) != null) {
                throw new IllegalArgumentException("'" + e + "': SKU " + sku + " is named twice");
            }
        }
        return new ShardPlan(shards, 1);
    }

    /** One shard of one SKU: {@code index} 0 is home. */
    public record Shard(String sku, int index) {
        public boolean home() {
            return index == 0;
        }
    }

    /** How many shards the SKU's stock is split into. */
    public int shards(String sku) {
        return shardsBySku.getOrDefault(sku, defaultShards);
    }

    /** The key of the SKU's shard {@code index}: the SKU itself for 0. */
    public static String key(String sku, int index) {
        return index == 0 ? sku : sku + Limits.SHARD_MARK + index;
    }

    /**
     * The SKU and shard a key names (a SKU's own key is its shard 0). Throws IllegalArgumentException for a key that
     * names neither ({@link #keyProblem}): callers that take keys from outside check them first.
     */
    public static Shard shard(String key) {
        int mark = key.lastIndexOf(Limits.SHARD_MARK);
        if (mark < 0) {
            return new Shard(key, 0);
        }
        int index = shardIndex(key.substring(mark + 1));
        if (index < 1) {
            throw new IllegalArgumentException("not a SKU's shard key: " + key);
        }
        return new Shard(key.substring(0, mark), index);
    }

    /**
     * Why {@code key} names neither a SKU ({@link Limits#skuProblem}) nor one of a SKU's shards ({@code <sku>#<k>},
     * k from 1 to below {@link #MAX_SHARDS}); empty when it names one. A command keyed by anything else is refused, not run.
     */
    public static java.util.Optional<String> keyProblem(String key) {
        int mark = key.lastIndexOf(Limits.SHARD_MARK);
        if (mark < 0) {
            return Limits.skuProblem(key);
        }
        if (shardIndex(key.substring(mark + 1)) < 1) {
            return Limits.skuProblem(key);   // not a shard's key: a SKU id with the mark in it, and said so
        }
        return Limits.skuProblem(key.substring(0, mark));
    }

    /** The shard index written in {@code digits}, or -1 when it is not one (1 to below MAX_SHARDS, no sign, no leading zero). */
    private static int shardIndex(String digits) {
        if (digits.isEmpty() || digits.length() > 4 || digits.charAt(0) == '0') {
            return -1;
        }
        int index = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        return index < MAX_SHARDS ? index : -1;
    }

    /** The shard an order's lines of the SKU go to: a stable hash of the order id, so all of them go to one shard. */
    public int shardOf(String sku, String orderId) {
        int n = shards(sku);
        return n == 1 ? 0 : Math.floorMod(mix(orderId.hashCode()), n);
    }

    /** The key an order's line of the SKU is reserved on. */
    public String keyOf(String sku, String orderId) {
        return key(sku, shardOf(sku, orderId));
    }

    /** Whether the key names a shard of a SKU split into more than one. */
    public boolean sharded(String key) {
        return shards(shard(key).sku()) > 1;
    }

    /** Spreads ids that differ in their last characters only (o-1, o-2, …) over the shards (MurmurHash3's finalizer). */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
