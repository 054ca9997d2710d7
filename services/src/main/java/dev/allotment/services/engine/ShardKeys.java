package dev.allotment.services.engine;

import dev.allotment.events.Command;
import dev.allotment.events.RecordAnswer;
import dev.allotment.streams.allocation.ShardPlan;
import java.util.List;
import java.util.Map;

/**
 * The key a command about an order's lines of a SKU travels under: the shard of the SKU that holds them, for a SKU split
 * into shards ({@link ShardPlan#keyOf}, a function of the SKU and the order id); the SKU itself otherwise. A shard's key
 * maps to itself, so keys mapped twice stay right.
 */
final class ShardKeys {
    private ShardKeys() {}

    static String of(ShardPlan plan, String key, Command command) {
        if (command.getPayload() instanceof RecordAnswer || command.getOrderId() == null) {
            return key;   // keyed by an idempotency key's scope, not by a SKU
        }
        return plan.keyOf(key, command.getOrderId());
    }

    static List<Map.Entry<String, Command>> of(ShardPlan plan, List<Map.Entry<String, Command>> commands) {
        return commands.stream().map(c -> Map.entry(of(plan, c.getKey(), c.getValue()), c.getValue())).toList();
    }
}
