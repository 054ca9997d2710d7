package dev.allotment.streams.topology;

import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where the Java client's default partitioner puts a key: murmur2 of its bytes, modulo the topic's partitions. The
 * engine's own records (commands, decisions) are placed so, and a platform's order and stock events must be too,
 * or an order's decisions fold in another task than its projection, and a SKU's stock sits in another task than the
 * commands that allocate it. Other clients place keys otherwise (librdkafka's default is CRC32), so a record found
 * away from its home partition is forwarded there (through a sink on its own topic, whose default partitioner is that
 * same murmur2) and not handled where it was found.
 */
public final class HomePartitions {
    /**
     * Partitions of each platform-fed topic, and of allotment.engine-commands (an order's lines on one of its partitions
     * are sent as one command); a topic not in it (TopologyTestDriver) has every record at home.
     */
    private final Map<String, Integer> partitions;

    public HomePartitions(Map<String, Integer> partitions) {
        this.partitions = Map.copyOf(partitions);
    }

    /** Unknown partitions: every record is taken to be at home. */
    public static HomePartitions unknown() {
        return new HomePartitions(Map.of());
    }

    /** Whether the record was read from another partition than its key's home; false when that cannot be known. */
    boolean awayFromHome(Record<byte[], byte[]> record, ProcessorContext<?, ?> context) {
        if (record.key() == null || context.recordMetadata().isEmpty()) {
            return false;
        }
        RecordMetadata where = context.recordMetadata().get();
        Integer count = partitions.get(where.topic());
        return count != null && count > 0 && where.partition() != of(record.key(), count);
    }

    /** The partition of {@code topic} the default partitioner puts {@code key} in; -1 when the topic's partitions are unknown. */
    int home(String topic, String key) {
        Integer count = partitions.get(topic);
        return count == null || count <= 0 ? -1 : of(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), count);
    }

    static int of(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
