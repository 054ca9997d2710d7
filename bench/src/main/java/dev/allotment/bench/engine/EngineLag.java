package dev.allotment.bench.engine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the engine's consumer group is behind its inputs: the order events the bench published and the engine's own
 * repartition topics. A set-up step that checks one answer per SKU (an order visible) does not show that the SKU's
 * task has taken every line behind it; a measured command queued behind such a backlog times out as 202.
 */
final class EngineLag {
    private EngineLag() {
    }

    /**
     * Records the group has still to process, over every partition it has committed: the end offset (read committed)
     * less the committed one, less one per partition for a transaction marker that a committed offset may sit before.
     * The group's offsets are read first and the end offsets after, so a record an input produced downstream before
     * its commit is counted.
     */
    static long behind(Admin admin, String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.forEach((tp, offset) -> {
            if (offset != null) {
                latest.put(tp, OffsetSpec.latest());
            }
        });
        if (latest.isEmpty()) {
            return 0;
        }
        var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
            .get(10, TimeUnit.SECONDS);
        long behind = 0;
        for (var e : ends.entrySet()) {
            behind += Math.max(0, e.getValue().offset() - committed.get(e.getKey()).offset() - 1);
        }
        return behind;
    }

    /** Waits until the group is {@link #behind} by nothing; fails past {@code bound}. Returns the seconds waited. */
    static double awaitCaughtUp(Map<String, Object> client, String groupId, Duration bound) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + bound.toNanos();
        try (Admin admin = Admin.create(client)) {
            long behind;
            while ((behind = behind(admin, groupId)) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("set-up: the engine is still " + behind + " records behind its inputs after "
                        + bound.toSeconds() + " s");
                }
                Thread.sleep(200);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
