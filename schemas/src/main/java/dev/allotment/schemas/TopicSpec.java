package dev.allotment.schemas;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic the engine owns: its name, partition count, cleanup policy, and for a compacted one the size at which a
 * segment closes ({@link #COMPACTED_SEGMENT_BYTES}, or {@link #CHURNING_SEGMENT_BYTES} for a small live set updated
 * all the time); 0 for an event log, which keeps the broker's segments. An event log {@code keptForever} is created
 * with {@code retention.ms=-1}: the decision log, which the order histories point into.
 */
public record TopicSpec(String name, int partitions, boolean compacted, int segmentBytes, boolean keptForever) {
    /**
     * A compacted topic's segment closes at this size or {@link #COMPACTED_SEGMENT_MS}, whichever comes first: the broker
     * compacts closed segments only, and Kafka's default (1 GiB or 7 days) would leave every update of weeks in a topic
     * that the engine, or a sink, reads from its start (a global store's bootstrap, a changelog's restore).
     */
    public static final int COMPACTED_SEGMENT_BYTES = 64 * 1024 * 1024;
    public static final long COMPACTED_SEGMENT_MS = 60 * 60 * 1000L;
    /**
     * The segment size of a compacted topic whose live set is small beside its updates: a stock level per (SKU,
     * location), rewritten by every commit that changes it. Its open segment, which the broker never compacts, holds
     * most of what a reader from its start reads; at 64 MiB that was millions of superseded levels (a fresh instance's
     * global stock view loads them all before it starts any task). At 1 MiB it is some 15,000 records a partition (a
     * stock level is 60 to 70 bytes), and the broker compacts the rest to a record per key.
     */
    public static final int CHURNING_SEGMENT_BYTES = 1024 * 1024;

    /** A topic of the default segment size for its policy: {@link #COMPACTED_SEGMENT_BYTES} if compacted, else 0 (the broker's). */
    public TopicSpec(String name, int partitions, boolean compacted) {
        this(name, partitions, compacted, compacted ? COMPACTED_SEGMENT_BYTES : 0);
    }

    /** A topic whose records the broker's retention may delete (a compacted one keeps a record per key). */
    public TopicSpec(String name, int partitions, boolean compacted, int segmentBytes) {
        this(name, partitions, compacted, segmentBytes, false);
    }

    public TopicSpec {
        if (compacted ? segmentBytes <= 0 : segmentBytes != 0) {
            throw new IllegalArgumentException("topic " + name + ": segmentBytes " + segmentBytes + (compacted
                ? " for a compacted topic (it needs a segment size: the broker compacts closed segments only)"
                : " for an event log (0: it keeps the broker's segments)"));
        }
        if (keptForever && compacted) {
            throw new IllegalArgumentException("topic " + name + ": a compacted topic is kept by key, not forever");
        }
    }

    /** An event log whose every record is kept: {@code retention.ms=-1}. */
    public static TopicSpec keptForever(String name, int partitions) {
        return new TopicSpec(name, partitions, false, 0, true);
    }

    /** The retention this topic is created with beside its policy: none for a log kept forever, else the broker's. */
    public Map<String, String> retentionSettings() {
        return keptForever ? Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1") : Map.of();
    }

    /**
     * The segment settings of every compacted topic the engine creates, its store changelogs included (given to Kafka
     * Streams with each store's {@code withLoggingEnabled}, on top of its {@code cleanup.policy=compact}).
     * {@code delete.retention.ms} stays at the broker's day: an instance that comes back within it with its local state
     * still sees every delete it missed.
     */
    public static Map<String, String> compactedSegments() {
        return segments(COMPACTED_SEGMENT_BYTES);
    }

    /** The segment settings of a churning compacted topic or changelog ({@link #CHURNING_SEGMENT_BYTES}). */
    public static Map<String, String> churningSegments() {
        return segments(CHURNING_SEGMENT_BYTES);
    }

    /** The settings this topic is created with beside its cleanup policy: a compacted topic's segments, else none. */
    public Map<String, String> segmentSettings() {
        return compacted ? segments(segmentBytes) : Map.of();
    }

    private static Map<String, String> segments(int bytes) {
        return Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(bytes),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT_MS));
    }
}
