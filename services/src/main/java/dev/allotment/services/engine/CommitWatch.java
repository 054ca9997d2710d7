package dev.allotment.services.engine;

import dev.allotment.events.CommandOutcome;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the engine has committed what decided a command's outcome (DESIGN §4: an answer to a client describes
 * committed state only). Kafka Streams (4.4, without transactional stores) lets interactive queries read a store's uncommitted writes, and under
 * exactly-once a crash rolls them back and processes the input again, possibly deciding otherwise (the SKU task reads
 * two topics and expires on the wall clock); found by the fault suite as a stock adjustment answered 200 that the
 * replay refused. An outcome names the input record that decided it ({@code input_topic}, {@code input_partition},
 * {@code input_offset}); it is committed once the engine's consumer group has committed an offset past that record,
 * which exactly-once commits in the same transaction as the outcome. The group's committed offsets are read with
 * one admin call shared by every waiting answer, at most every {@link #REFRESH_MS} ms.
 */
@Singleton
public class CommitWatch {
    private static final Logger LOG = LoggerFactory.getLogger(CommitWatch.class);
    /** How old the committed offsets read may be before they are read again. */
    static final long REFRESH_MS = 10;
    private final String groupId;
    private final Admin admin;
    private Map<TopicPartition, Long> committed = Map.of();
    private long readAt;

    public CommitWatch(EngineSettings settings) {
        this.groupId = settings.getStreams().getApplicationId();
        this.admin = Admin.create(settings.getKafka().connection().with(
            AdminClientConfig.CLIENT_ID_CONFIG, "allotment-edge-commits", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000));
    }

    /** Whether the outcome's deciding record is committed (an outcome that names none, decided in a punctuation, is). */
    public boolean committed(CommandOutcome outcome) {
        if (outcome.getInputTopic() == null || outcome.getInputPartition() == null || outcome.getInputOffset() == null) {
            return true;
        }
        return committed(new TopicPartition(outcome.getInputTopic(), outcome.getInputPartition()), outcome.getInputOffset());
    }

    /** Whether the engine has committed its processing of the record at {@code offset} of {@code at}. */
    public boolean committed(TopicPartition at, long offset) {
        return covers(offsets(false), at, offset) || covers(offsets(true), at, offset);
    }

    /** Whether the committed offsets are past {@code offset} of {@code at} (a committed offset is the next record to read). */
    static boolean covers(Map<TopicPartition, Long> committed, TopicPartition at, long offset) {
        Long next = committed.get(at);
        return next != null && next > offset;
    }

    /** The group's committed offsets, read again when {@code fresh} is asked for and the last read is older than the refresh. */
    private synchronized Map<TopicPartition, Long> offsets(boolean fresh) {
        long now = System.nanoTime();
        if (fresh && now - readAt > TimeUnit.MILLISECONDS.toNanos(REFRESH_MS)) {
            try {
                Map<TopicPartition, Long> read = new HashMap<>();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS).entrySet()) {
                    if (e.getValue() != null) {
                        read.put(e.getKey(), e.getValue().offset());
                    }
                }
                committed = read;
            } catch (Exception e) {
                LOG.debug("could not read the engine's committed offsets: {}", e.toString());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            readAt = System.nanoTime();
        }
        return committed;
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
