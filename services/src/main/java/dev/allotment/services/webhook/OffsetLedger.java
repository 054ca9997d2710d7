package dev.allotment.services.webhook;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, the lowest offset whose delivery is not reported yet, or
 * the offset after the last record read when every delivery is reported. Used by the poll thread only.
 */
final class OffsetLedger {
    private final Map<TopicPartition, Progress> partitions = new HashMap<>();

    private static final class Progress {
        final TreeSet<Long> open = new TreeSet<>();
        long next = -1;
        long committed = -1;

        long safe() {
            return open.isEmpty() ? next : open.first();
        }
    }

    /** A record was read; {@code open}: its delivery is still to be reported. */
    void read(TopicPartition partition, long offset, boolean open) {
        Progress p = partitions.computeIfAbsent(partition, k -> new Progress());
        p.next = Math.max(p.next, offset + 1);
        if (open) {
            p.open.add(offset);
        }
    }

    /** The delivery of the record at {@code offset} is reported (ignored for a partition no longer owned). */
    void reported(TopicPartition partition, long offset) {
        Progress p = partitions.get(partition);
        if (p != null) {
            p.open.remove(offset);
        }
    }

    /** Offsets that advanced since they were last committed. */
    Map<TopicPartition, OffsetAndMetadata> advanced() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            long safe = p.safe();
            if (safe >= 0 && safe > p.committed) {
                out.put(tp, new OffsetAndMetadata(safe));
            }
        });
        return out;
    }

    /** What may be committed for {@code owned}, whether or not it advanced (for rebalance and close). */
    Map<TopicPartition, OffsetAndMetadata> safe(Collection<TopicPartition> owned) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : owned) {
            Progress p = partitions.get(tp);
            if (p != null && p.safe() >= 0) {
                out.put(tp, new OffsetAndMetadata(p.safe()));
            }
        }
        return out;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            Progress p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, o.offset());
            }
        });
    }

    int open(TopicPartition partition) {
        Progress p = partitions.get(partition);
        return p == null ? 0 : p.open.size();
    }

    Collection<TopicPartition> partitions() {
        return partitions.keySet();
    }

    void forget(Collection<TopicPartition> gone) {
        gone.forEach(partitions::remove);
    }
}
