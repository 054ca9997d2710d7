package dev.allotment.services.engine;

import dev.allotment.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks, every {@code allotment.health.transaction-check-interval}, for transactions left open on the topics the
 * engine reads and writes (its own, and Kafka Streams' changelogs and repartition topics), and reports those open
 * longer than {@code allotment.health.open-transaction-after} ({@link OpenTransactions} judges them): in the log, on
 * {@code GET /admin/transactions}, as the {@code allotment.transactions.open} and {@code allotment.transactions.hanging}
 * gauges, and on {@code /health}, DOWN while one is hanging. It reports and never aborts: ending someone's
 * transaction is an operator's call (docs/operations.md).
 */
@Context
public class TransactionWatch {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionWatch.class);
    /** What a hanging transaction's report ends with: the operator's command to abort it follows. */
    private static final String UNTIL_ABORTED = "nothing after it is read there until an operator aborts it: {}";
    private final Admin admin;
    private final Topics topics;
    private final String internalPrefix;
    private final String bootstrapServers;
    private final long afterMs;
    private final ScheduledExecutorService timer;
    private volatile Report last = new Report(null, List.of(), Optional.empty());

    /** What the last look found: when it ran, what it found open too long, and what stopped it if it could not look. */
    public record Report(Instant checkedAt, List<OpenTransactions.Finding> findings, Optional<String> error) {
        public long hanging() {
            return findings.stream().filter(OpenTransactions.Finding::hanging).count();
        }
    }

    public TransactionWatch(EngineSettings settings, Topics topics, MeterRegistry meters) {
        this.topics = topics;
        this.internalPrefix = settings.getStreams().getApplicationId() + "-";
        this.bootstrapServers = settings.getKafka().getBootstrapServers();
        this.afterMs = settings.getHealth().getOpenTransactionAfter().toMillis();
        this.admin = Admin.create(settings.getKafka().connection().with(
            AdminClientConfig.CLIENT_ID_CONFIG, "allotment-transaction-watch", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
        Gauge.builder("allotment.transactions.open", this, w -> w.last.findings().size())
            .description("transactions open on the engine's topics longer than allotment.health.open-transaction-after")
            .register(meters);
        Gauge.builder("allotment.transactions.hanging", this, w -> w.last.hanging())
            .description("open transactions no coordinator will end: an operator must abort them (docs/operations.md)")
            .register(meters);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "allotment-transaction-watch");
            t.setDaemon(true);
            return t;
        });
        long every = settings.getHealth().getTransactionCheckInterval().toMillis();
        timer.scheduleWithFixedDelay(this::check, Math.min(every, 5_000), every, TimeUnit.MILLISECONDS);
    }

    /** What the last look found. */
    public Report report() {
        return last;
    }

    /** Where Kafka is, as an operator's command must name it. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** One look; the report it makes replaces the last. Never throws: a look that fails says why in its report. */
    void check() {
        try {
            List<OpenTransactions.Finding> findings = look();
            findings.forEach(this::log);
            last = new Report(Instant.now(), findings, Optional.empty());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("could not look for open transactions: {}", e.toString());
            last = new Report(Instant.now(), last.findings(), Optional.of(e.toString()));
        }
    }

    private List<OpenTransactions.Finding> look() throws Exception {
        Set<String> names = admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(topics.prefix()) || t.startsWith(internalPrefix)).collect(Collectors.toSet());
        if (names.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(names).allTopicNames().get().values()) {
            d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
        }
        long now = System.currentTimeMillis();
        List<OpenTransactions.Open> open = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionProducerState> e : admin.describeProducers(partitions).all().get().entrySet()) {
            for (ProducerState p : e.getValue().activeProducers()) {
                if (p.currentTransactionStartOffset().isPresent() && now - p.lastTimestamp() > afterMs) {
                    open.add(new OpenTransactions.Open(e.getKey().topic(), e.getKey().partition(), p.producerId(),
                        p.producerEpoch(), p.currentTransactionStartOffset().getAsLong(), p.lastTimestamp(),
                        p.coordinatorEpoch().orElse(-1)));
                }
            }
        }
        if (open.isEmpty()) {
            return List.of();
        }
        return OpenTransactions.judge(open, coordinated(open), now, afterMs);
    }

    /** What the coordinators hold for the producers of {@code open}, by producer id. */
    private Map<Long, OpenTransactions.Coordinated> coordinated(List<OpenTransactions.Open> open) throws Exception {
        Set<Long> producers = new HashSet<>();
        open.forEach(o -> producers.add(o.producerId()));
        Map<String, Long> ids = new HashMap<>();
        for (TransactionListing l : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producers)).all().get()) {
            ids.put(l.transactionalId(), l.producerId());
        }
        Map<Long, OpenTransactions.Coordinated> coordinated = new HashMap<>();
        if (ids.isEmpty()) {
            return coordinated;
        }
        for (Map.Entry<String, TransactionDescription> e : admin.describeTransactions(ids.keySet()).all().get().entrySet()) {
            TransactionDescription d = e.getValue();
            coordinated.put(d.producerId(), new OpenTransactions.Coordinated(e.getKey(), d.producerId(), d.producerEpoch(),
                d.state().name(),
                d.topicPartitions().stream().map(TopicPartition::toString).collect(Collectors.toSet())));
        }
        return coordinated;
    }

    private void log(OpenTransactions.Finding f) {
        OpenTransactions.Open o = f.open();
        if (f.markersLost()) {
            LOG.error("a hanging transaction holds {}-{} from offset {} (producer {}, epoch {}, open {} s): its coordinator "
                    + "ended it (the producer is at epoch {} there) and its marker never came, which Kafka does when it finds "
                    + "the partition without a leader after a crash (KAFKA-20734); it may have been committed, and aborting "
                    + "it discards it; " + UNTIL_ABORTED, o.topic(),
                o.partition(), o.startOffset(), o.producerId(), o.producerEpoch(), f.openForMs() / 1000,
                f.coordinator().orElseThrow().producerEpoch(), OpenTransactions.abortCommand(bootstrapServers, o));
        } else if (f.hanging()) {
            LOG.error("a hanging transaction holds {}-{} from offset {} (producer {}, open {} s, no coordinator will end it): "
                    + UNTIL_ABORTED, o.topic(), o.partition(),
                o.startOffset(), o.producerId(), f.openForMs() / 1000, OpenTransactions.abortCommand(bootstrapServers, o));
        } else {
            LOG.warn("a transaction has been open {} s on {}-{} from offset {} (producer {}, {}): nothing after it is read "
                    + "there until its producer ends it or its timeout does", f.openForMs() / 1000, o.topic(), o.partition(),
                o.startOffset(), o.producerId(), f.coordinator().map(OpenTransactions.Coordinated::transactionalId).orElse("?"));
        }
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
        admin.close();
    }
}
