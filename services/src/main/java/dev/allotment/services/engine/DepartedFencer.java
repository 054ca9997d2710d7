package dev.allotment.services.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the transaction an instance left open when it died as soon as the group has expired it, instead of after the
 * transaction's timeout. That transaction holds every read_committed reader of its partitions, the instance that takes
 * over its tasks included, until the broker aborts it: Kafka Streams' 10 s after it began, at the broker's next sweep
 * (10 s apart by default), so 10 to 20 s of a failover were spent waiting for it. Every
 * {@code allotment.streams.fence-departed-every}, this lists the ongoing transactions of the engine's stream threads,
 * then the group's members, and fences each transactional id whose instance is no member ({@link DepartedProducers}
 * judges): a producer opened under that id and initialised makes the coordinator abort the open transaction at once and
 * bump the id's epoch, so the departed instance, were it still alive somewhere, can never commit it (Kafka's own zombie
 * fencing). An instance restarted on its state directory reuses its id and fences its predecessor itself; this is for
 * the others.
 */
@Context
public class DepartedFencer {
    private static final Logger LOG = LoggerFactory.getLogger(DepartedFencer.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private final StreamsRuntime runtime;
    private final String applicationId;
    private final KafkaConnection connection;
    private final DepartedProducers producers;
    private final Admin admin;
    private final Counter fenced;
    private final ScheduledExecutorService timer;
    private volatile String lastRefusal = "";

    public DepartedFencer(EngineSettings settings, StreamsRuntime runtime, MeterRegistry meters) {
        this.runtime = runtime;
        this.applicationId = settings.getStreams().getApplicationId();
        this.connection = settings.getKafka().connection();
        this.producers = new DepartedProducers(applicationId);
        this.fenced = Counter.builder("allotment.transactions.fenced")
            .description("open transactions of departed instances this instance ended at once (allotment.streams.fence-departed-every)")
            .register(meters);
        Duration every = settings.getStreams().getFenceDepartedEvery();
        if (every == null || every.isZero() || every.isNegative()) {
            LOG.info("departed instances' transactions are left to time out (allotment.streams.fence-departed-every is off)");
            this.admin = null;
            this.timer = null;
            return;
        }
        this.admin = Admin.create(connection.with(
            AdminClientConfig.CLIENT_ID_CONFIG, "allotment-departed-fencer",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "allotment-departed-fencer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::lookQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void lookQuietly() {
        try {
            look();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("could not look for departed instances' transactions: {}", e.toString());
        }
    }

    /** One look: the transactional ids it fenced. */
    List<String> look() throws Exception {
        if (admin == null || !runtime.started()) {
            return List.of();
        }
        Optional<String> own = ownProcess();
        if (own.isEmpty()) {
            return List.of();
        }
        // listed first, described second: see DepartedProducers
        List<String> ongoing = admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
            .all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
            .map(TransactionListing::transactionalId).filter(id -> id.startsWith(applicationId + "-")).toList();
        if (ongoing.isEmpty()) {
            return List.of();
        }
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId)
            .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        DepartedProducers.Judgement judgement = producers.judge(ongoing,
            group.members().stream().map(MemberDescription::clientId).toList(), own.get());
        if (judgement.cannotJudge().isPresent()) {
            String why = judgement.cannotJudge().get();
            if (!why.equals(lastRefusal)) {
                LOG.info("departed instances' transactions are left to time out for now: {}", why);
                lastRefusal = why;
            }
            return List.of();
        }
        for (String id : judgement.departed()) {
            fence(id);
        }
        return judgement.departed();
    }

    private void fence(String transactionalId) {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(connection.with(
            ProducerConfig.CLIENT_ID_CONFIG, "allotment-departed-fencer-" + transactionalId,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
        }
        fenced.increment();
        LOG.info("the instance of {} has left the group with a transaction open: fenced, its transaction aborted now rather "
            + "than at its timeout ({} ms)", transactionalId, Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    /** This instance's process id, from its stream threads' consumer client ids. */
    private Optional<String> ownProcess() {
        for (ThreadMetadata thread : runtime.streams().metadataForLocalThreads()) {
            Optional<String> process = producers.processOfClient(thread.consumerClientId());
            if (process.isPresent()) {
                return process;
            }
        }
        return Optional.empty();
    }

    @PreDestroy
    void close() {
        if (timer != null) {
            timer.shutdownNow();
            admin.close(Duration.ofSeconds(5));
        }
    }
}
