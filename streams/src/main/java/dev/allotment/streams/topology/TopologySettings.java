package dev.allotment.streams.topology;

import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.order.Limits;
import java.time.Duration;

/**
 * The engine's settings that shape what the topology decides and keeps: the order contract's limits, how long a client
 * command's first outcome is remembered (a retry with the same command id, or Idempotency-Key, within it is answered
 * from the outcome and changes nothing; after it, it is a new command), how long an order's decision history is kept
 * once the order is completed or cancelled ({@code null}: as long as the order), and how long a command over several
 * SKUs waits for every part's vote before it is refused as a whole (its parts hold their lines meanwhile), which
 * SKUs' stock is split into shards (docs/design/sku-shards.md; default: none), and the least time between two commits
 * that clients' command outcomes ask for ({@link AnswerCommits}; zero: outcomes wait for the commit interval).
 */
public record TopologySettings(Limits limits, Duration commandOutcomeRetention, Duration orderHistoryRetention,
                               Duration commandGroupTimeout, ShardPlan shards, Duration answerCommitGap) {
    /** 24 hours, as payment APIs keep idempotency keys. */
    public static final Duration DEFAULT_OUTCOME_RETENTION = Duration.ofHours(24);
    /** Long enough for a part whose SKU's task is restoring after a crash (measured: 18 s at most in the fault suite). */
    public static final Duration DEFAULT_GROUP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Answers ask for no commit: at the shipped 50 ms commit interval, with the broker on the same two cores, asking
     * cost more than it saved (docs/benchmarks/RESULTS.md, "Supplier answers and manual allocations").
     */
    public static final Duration DEFAULT_ANSWER_COMMIT_GAP = Duration.ZERO;
    public static final TopologySettings DEFAULTS = new TopologySettings(Limits.DEFAULTS, DEFAULT_OUTCOME_RETENTION);

    public TopologySettings {
        if (shards == null) {
            throw new IllegalArgumentException("a shard plan is required (ShardPlan.UNSHARDED: no SKU sharded)");
        }
        if (answerCommitGap == null || answerCommitGap.isNegative()) {
            throw new IllegalArgumentException("the gap between commits asked for by answers must be zero (never ask) or more, was "
                + answerCommitGap);
        }
        if (commandGroupTimeout.isNegative() || commandGroupTimeout.isZero()) {
            throw new IllegalArgumentException("a command over several SKUs must wait some time for its parts, was " + commandGroupTimeout);
        }
        if (commandOutcomeRetention.isNegative() || commandOutcomeRetention.isZero()) {
            throw new IllegalArgumentException("command outcomes must be kept for some time, was " + commandOutcomeRetention);
        }
        if (orderHistoryRetention != null && (orderHistoryRetention.isNegative() || orderHistoryRetention.isZero())) {
            throw new IllegalArgumentException("order history must be kept for some time (or unset: as long as the order), was "
                + orderHistoryRetention);
        }
    }

    /** Order history kept as long as the order, as before there was a setting for it. */
    public TopologySettings(Limits limits, Duration commandOutcomeRetention) {
        this(limits, commandOutcomeRetention, null, DEFAULT_GROUP_TIMEOUT, ShardPlan.UNSHARDED, DEFAULT_ANSWER_COMMIT_GAP);
    }

    public TopologySettings withLimits(Limits other) {
        return new TopologySettings(other, commandOutcomeRetention, orderHistoryRetention, commandGroupTimeout, shards, answerCommitGap);
    }

    /** These settings with a final order's history kept for {@code retention} after it became final; null: as long as the order. */
    public TopologySettings withOrderHistoryRetention(Duration retention) {
        return new TopologySettings(limits, commandOutcomeRetention, retention, commandGroupTimeout, shards, answerCommitGap);
    }

    /** These settings with commands over several SKUs refused when a part has not voted {@code timeout} after the first vote. */
    public TopologySettings withCommandGroupTimeout(Duration timeout) {
        return new TopologySettings(limits, commandOutcomeRetention, orderHistoryRetention, timeout, shards, answerCommitGap);
    }

    /** These settings with the SKUs of {@code plan} split into shards, each decided on its own partition. */
    public TopologySettings withShards(ShardPlan plan) {
        return new TopologySettings(limits, commandOutcomeRetention, orderHistoryRetention, commandGroupTimeout, plan, answerCommitGap);
    }

    /** These settings with commits asked for by clients' command outcomes at most every {@code gap} (zero: never asked). */
    public TopologySettings withAnswerCommitGap(Duration gap) {
        return new TopologySettings(limits, commandOutcomeRetention, orderHistoryRetention, commandGroupTimeout, shards, gap);
    }
}
