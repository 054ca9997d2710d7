package dev.allotment.streams.topology;

import dev.allotment.streams.allocation.ShardPlan;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * A decision taken by shard k of a SKU names the SKU, not the shard: its lines carry the shard's key as their SKU in
 * the shard's books, and the decision log, the order fold, the webhooks and the API must show the SKU
 * (docs/design/sku-shards.md). Every field named {@code sku} holding a key of one of the SKU's shards is renamed, in a
 * copy: the payload may share records with the shard's stores.
 */
final class ShardNames {
    private static final String SKU_FIELD = "sku";

    private ShardNames() {}

    /** {@code payload} as it should be logged from the shard of key {@code key}: unchanged for a SKU's own key. */
    static Object logged(Object payload, String key) {
        ShardPlan.Shard shard = ShardPlan.shard(key);
        if (shard.home() || !(payload instanceof IndexedRecord record)) {
            return payload;
        }
        Schema schema = record.getSchema();
        Object copy = SpecificData.getForSchema(schema).deepCopy(schema, record);
        rename(copy, key, shard.sku());
        return copy;
    }

    private static void rename(Object value, String key, String sku) {
        if (value instanceof IndexedRecord record) {
            for (Schema.Field field : record.getSchema().getFields()) {
                Object v = record.get(field.pos());
                if (field.name().equals(SKU_FIELD) && v instanceof CharSequence named && named.toString().equals(key)) {
                    record.put(field.pos(), sku);
                } else {
                    rename(v, key, sku);
                }
            }
        } else if (value instanceof Collection<?> items) {
            items.forEach(item -> rename(item, key, sku));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(item -> rename(item, key, sku));
        }
    }
}
