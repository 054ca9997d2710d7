package dev.allotment.streams.state;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * How far this instance's copy of a global store has read its topic: by topic and partition, the offset after the
 * last record its loader took (applied, or sent to the dead letters). Kept for the locations, the one global store a
 * request waits on (the stock view is read as it stands). Every instance keeps its own copy of a global store and
 * follows the topic a little behind; so an instance asked about a key that another instance has just written
 * (a location created through one instance, then named in a routing sent to another) must not answer "not found" from
 * a copy that lags. It compares these positions with the topic's end offsets, and answers once its copy has caught up.
 *
 * <p>The global thread writes; any thread reads. A position only moves forward. At start, a copy restored from its
 * checkpoint runs its loader on the records after the checkpoint only, and on none when the checkpoint is at the end:
 * {@link #restoreListener} tells these positions where each restore ended, which the copy has then taken.
 */
public final class GlobalPositions {
    private final Map<String, Map<Integer, AtomicLong>> topics = new ConcurrentHashMap<>();
    /** By partition of a global store's topic being restored: the end offset the restore reads up to. */
    private final Map<TopicPartition, Long> restoring = new ConcurrentHashMap<>();

    /** The global thread's loader has taken the record at {@code offset} of {@code topic}'s {@code partition}. */
    public void took(String topic, int partition, long offset) {
        AtomicLong next = topics.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
            .computeIfAbsent(partition, p -> new AtomicLong());
        next.accumulateAndGet(offset + 1, Math::max);
    }

    /** The offset after the last record of {@code topic}'s {@code partition} that this copy has taken (0: none yet). */
    public long next(String topic, int partition) {
        Map<Integer, AtomicLong> partitions = topics.get(topic);
        AtomicLong next = partitions == null ? null : partitions.get(partition);
        return next == null ? 0 : next.get();
    }

    /**
     * Whether this copy has taken every record below {@code endOffsets} (by partition of {@code topic}): an end offset
     * of a topic that only non-transactional producers write, where every offset below it holds a record.
     */
    public boolean reached(String topic, Map<Integer, Long> endOffsets) {
        return endOffsets.entrySet().stream().allMatch(e -> next(topic, e.getKey()) >= e.getValue());
    }

    /**
     * For {@code KafkaStreams#setGlobalStateRestoreListener}: when the restore of one of {@code stores} (the global
     * stores, whose "changelog" is their topic) has read its partition up to the end offset it started for, the copy
     * has taken every record below it.
     */
    public StateRestoreListener restoreListener(Set<String> stores) {
        return new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
                if (stores.contains(store)) {
                    restoring.put(partition, endingOffset);
                }
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {}

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                Long end = stores.contains(store) ? restoring.remove(partition) : null;
                if (end != null && end > 0) {
                    took(partition.topic(), partition.partition(), end - 1);
                }
            }
        };
    }
}
