package dev.allotment.streams.topology;

import dev.allotment.events.Command;
import dev.allotment.events.ShardGrant;
import dev.allotment.events.ShardLevel;
import dev.allotment.events.ShardRecall;
import dev.allotment.events.ShardReturn;
import dev.allotment.events.ShardWant;
import dev.allotment.streams.allocation.Decisions;
import dev.allotment.streams.allocation.ShardPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Carries a hot SKU's shard protocol (docs/design/sku-shards.md) over allotment.engine-commands: each message a desk
 * decided is sent as a {@link Command} keyed by the shard it is for, forwarded from the turn that decided it, so under
 * {@code exactly_once_v2} it is in the transaction of the state it changed (a unit is never sent twice nor lost). Its
 * command id is made of its cause's id (a command's, a stock event's, a punctuation's) and its place among the
 * turn's messages: the same input sends the same ids.
 */
final class ShardCourier {
    /** How often home of each sharded SKU runs a rebalancing round (liveness: units freed at one shard reach another's lines). */
    static final Duration REBALANCE_INTERVAL = Duration.ofSeconds(3);

    private final ProcessorContext<Object, Object> context;
    private final ShardPlan plan;
    private final HomePartitions homes;
    private final String commandsTopic;

    ShardCourier(ProcessorContext<Object, Object> context, ShardPlan plan, HomePartitions homes, String commandsTopic) {
        this.context = context;
        this.plan = plan;
        this.homes = homes;
        this.commandsTopic = commandsTopic;
    }

    /** Whether the payload is a message of the shard protocol, applied with {@code SkuDesk.shardMessage}. */
    static boolean isShardMessage(Object payload) {
        return payload instanceof ShardGrant || payload instanceof ShardWant || payload instanceof ShardRecall
            || payload instanceof ShardReturn || payload instanceof ShardLevel;
    }

    /** Sends every shard message of {@code decided} to its shard's key. */
    void send(long timestamp, String causeId, Instant at, Decisions decided) {
        int n = 0;
        for (Decisions.ShardMessage message : decided.shardMessages()) {
            Command command = Command.newBuilder().setCommandId(causeId + ":shard:" + (n++)).setIssuedAt(at)
                .setPrincipal(CommandOutcomes.ENGINE).setOrderId(ShardPlan.shard(message.to()).sku())
                .setPayload(message.payload()).build();
            context.forward(new Record<Object, Object>(message.to(), command, timestamp), NodeNames.SKU_COMMANDS);
        }
    }

    /** The sharded SKUs whose home (shard 0, keyed by the SKU) is this task's partition of the commands. */
    List<String> homesHere() {
        int here = context.taskId().partition();
        return plan.shardsBySku().entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey())
            .filter(sku -> {
                int home = homes.home(commandsTopic, sku);
                return home < 0 || home == here;
            }).sorted().toList();
    }
}
