package dev.allotment.services.engine;

import dev.allotment.schemas.Topics;
import dev.allotment.streams.state.GlobalPositions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets this instance's copy of a global store catch up with its topic before the edge answers "not found" from it.
 * Each instance reads the global topics on its own and a little behind, so a location created through one instance
 * (which answers once its own copy holds it) may not be in another's copy yet; a client behind a load balancer whose
 * next call names that location must not be told there is none. Asked on a miss only: a found key needs no catching up.
 *
 * <p>The copy has caught up once its loader has taken the record before each end offset ({@link GlobalPositions}). That
 * holds for the locations topic, which the edge writes without transactions, so that every offset below the end holds a
 * record. The end offsets are read with two admin calls (the partitions, then their ends), shared by every miss that
 * arrived before the read began ({@link SharedReads}): a burst of misses costs the broker a read or two. The wait is
 * bounded by the command timeout, and when Kafka cannot be asked, the copy answers as it stands.
 */
@Singleton
public class GlobalCatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalCatchUp.class);
    /** Every copy of the global stores in this instance (one per Kafka Streams client): caught up when each is. */
    private final Supplier<List<GlobalPositions>> copies;
    private final Topics topics;
    private final Duration bound;
    private final Admin admin;
    private final Map<String, SharedReads<Map<Integer, Long>>> endReads = new ConcurrentHashMap<>();
    /** Every miss in a burst fails alike when Kafka cannot be asked: one warning a minute, each kind. */
    private final WarningThrottle unreadWarnings = new WarningThrottle(WarningThrottle.EVERY);
    private final WarningThrottle behindWarnings = new WarningThrottle(WarningThrottle.EVERY);

    public GlobalCatchUp(StreamsRuntime runtime, Topics topics, EngineSettings settings) {
        this(runtime::globalCopies, topics, settings.getHttp().getCommandTimeout(), Admin.create(settings.getKafka().connection()
            .with(AdminClientConfig.CLIENT_ID_CONFIG, "allotment-edge-global-catch-up",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000)));
    }

    GlobalCatchUp(GlobalPositions positions, Topics topics, Duration bound, Admin admin) {
        this(() -> List.of(positions), topics, bound, admin);
    }

    private GlobalCatchUp(Supplier<List<GlobalPositions>> copies, Topics topics, Duration bound, Admin admin) {
        this.copies = copies;
        this.topics = topics;
        this.bound = bound;
        this.admin = admin;
    }

    /**
     * Waits, at most the command timeout, until this copy of the locations and routings holds every record the topic
     * held when asked; whether it does.
     */
    public boolean locations() {
        return caughtUp(topics.locationEvents());
    }

    boolean caughtUp(String topic) {
        long arrived = System.nanoTime();
        long deadline = arrived + bound.toNanos();
        Map<Integer, Long> end;
        try {
            end = endReads.computeIfAbsent(topic, t -> new SharedReads<>(() -> endOffsets(t))).startedAfter(arrived)
                .get(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            long held = unreadWarnings.admit(System.nanoTime());
            if (held >= 0) {
                LOG.warn("cannot read the end offsets of {} to let this instance's copy catch up; answering from it as it"
                    + " stands ({} like it held back since the last one logged)", topic, held, e);
            }
            return false;
        }
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        boolean reached = Polling.until(left, () -> copies.get().stream().allMatch(copy -> copy.reached(topic, end))
                ? Optional.of(true) : Optional.empty())
            .isPresent();
        long held = reached ? -1 : behindWarnings.admit(System.nanoTime());
        if (held >= 0) {
            LOG.warn("this instance's copy of {} has not caught up with the topic within {} (end offsets {}): answering from"
                + " it as it stands ({} like it held back since the last one logged)", topic, bound, end, held);
        }
        return reached;
    }

    /** The end offset of each partition of {@code topic}, by partition (the admin client's own timeouts bound it). */
    private CompletableFuture<Map<Integer, Long>> endOffsets(String topic) {
        return admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage().toCompletableFuture()
            .thenCompose(described -> {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                described.get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                return admin.listOffsets(latest).all().toCompletionStage();
            })
            .thenApply(found -> {
                Map<Integer, Long> end = new HashMap<>();
                found.forEach((tp, info) -> end.put(tp.partition(), info.offset()));
                return end;
            });
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
