package dev.allotment.streams.topology;

import dev.allotment.streams.order.Limits;
import java.time.Duration;

/**
 * The engine's settings that shape what the topology decides and keeps: the order contract's limits, and how long a
 * client command's first outcome is remembered (a retry with the same command id, or Idempotency-Key, within it is
 * answered from the outcome and changes nothing; after it, it is a new command).
 */
public record TopologySettings(Limits limits, Duration commandOutcomeRetention) {
    /** 24 hours, as payment APIs keep idempotency keys. */
    public static final Duration DEFAULT_OUTCOME_RETENTION = Duration.ofHours(24);
    public static final TopologySettings DEFAULTS = new TopologySettings(Limits.DEFAULTS, DEFAULT_OUTCOME_RETENTION);

    public TopologySettings {
        if (commandOutcomeRetention.isNegative() || commandOutcomeRetention.isZero()) {
            throw new IllegalArgumentException("command outcomes must be kept for some time, was " + commandOutcomeRetention);
        }
    }

    public TopologySettings withLimits(Limits other) {
        return new TopologySettings(other, commandOutcomeRetention);
    }
}
