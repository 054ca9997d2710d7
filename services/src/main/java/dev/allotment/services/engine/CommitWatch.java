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
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the engine has committed what decided a command's outcome, or its processing of a record the edge published
 * (DESIGN §4: an answer to a client describes committed state only). Under exactly-once a crash rolls back what a task
 * processed since its last commit, and the task processes that input again, possibly deciding otherwise (the SKU task
 * reads two topics and expires on the wall clock); found by the fault suite as a stock adjustment answered 200 that the
 * replay refused. A record is committed once the engine's consumer group has committed an offset past it, which
 * exactly-once commits in the same transaction as what the record decided. The group's committed offsets are read
 * with one admin call shared by every waiting answer, at most every {@link #REFRESH_MS} ms.
 *
 * <p>An outcome is read from a store, and where interactive queries read committed state only (transactional stores
 * at {@code READ_COMMITTED}, the engine's defaults: {@link StreamsRuntime#readsCommitted}) an outcome read is
 * committed already, and is answered without the offsets. Only a deployment that turns either setting off pays for the
 * admin calls on that path (up to 100 a second, each holding every other waiting answer for its round trip).
 */
@Singleton
public class CommitWatch {
    private static final Logger LOG = LoggerFactory.getLogger(CommitWatch.class);
    /** How old the committed offsets read may be before they are read again. */
    static final long REFRESH_MS = 10;
    private final String groupId;
    private final Admin admin;
    private final boolean readsCommitted;
    private Map<TopicPartition, Long> committed = Map.of();
    private long readAt;

    public CommitWatch(EngineSettings settings, StreamsRuntime streams) {
        this.groupId = settings.getStreams().getApplicationId();
        this.readsCommitted = streams.readsCommitted();
        if (!readsCommitted) {
            LOG.warn("interactive queries read uncommitted state ({}={}, {}={}): every command's answer waits for the"
                + " engine's group offsets past its deciding record (an admin call at most every {} ms)",
                StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG,
                streams.properties().get(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG),
                StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG,
                streams.properties().get(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG), REFRESH_MS);
        }
        this.admin = Admin.create(settings.getKafka().connection().with(
            AdminClientConfig.CLIENT_ID_CONFIG, "allotment-edge-commits", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000));
    }

    /**
     * Whether an outcome read from the engine's stores is committed: at once where reads are committed, else once its
     * deciding record is (an outcome that names none, decided in a punctuation, is).
     */
    public boolean committed(CommandOutcome outcome) {
        if (readsCommitted || outcome.getInputTopic() == null || outcome.getInputPartition() == null || outcome.getInputOffset() == null) {
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
