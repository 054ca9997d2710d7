package dev.allotment.schemas;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/** One topic the engine owns: its name, partition count and cleanup policy. */
public record TopicSpec(String name, int partitions, boolean compacted) {
    /**
     * A compacted topic's segment closes at this size or {@link #COMPACTED_SEGMENT_MS}, whichever comes first: the broker
     * compacts closed segments only, and Kafka's default (1 GiB or 7 days) would leave every update of weeks in a topic
     * that the engine, or a sink, reads from its start (a global store's bootstrap, a changelog's restore).
     */
    public static final int COMPACTED_SEGMENT_BYTES = 64 * 1024 * 1024;
    public static final long COMPACTED_SEGMENT_MS = 60 * 60 * 1000L;

    /**
     * The segment settings of every compacted topic the engine creates, its store changelogs included (given to Kafka
     * Streams with each store's {@code withLoggingEnabled}, on top of its {@code cleanup.policy=compact}).
     * {@code delete.retention.ms} stays at the broker's day: an instance that comes back within it with its local state
     * still sees every delete it missed.
     */
    public static Map<String, String> compactedSegments() {
        return Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(COMPACTED_SEGMENT_BYTES),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT_MS));
    }
}
