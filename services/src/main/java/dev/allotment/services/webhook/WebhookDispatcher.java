package dev.allotment.services.webhook;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.AllocationRequested;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.DecisionHeaders;
import dev.allotment.schemas.Topics;
import dev.allotment.services.engine.EngineSettings;
import dev.allotment.services.engine.EventPublisher;
import dev.allotment.services.engine.StreamsRuntime;
import dev.allotment.streams.state.EngineState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the webhooks of allocation requests at confirm-mode locations, outside the topology: one poll thread
 * reads committed {@code AllocationRequested} events, and the cancellations, outdatings and time-outs of requests,
 * and hands each to a {@link RequestNotifier}; deliveries
 * run concurrently (at most {@code max-in-flight}; the partitions are paused beyond that). An offset is
 * committed only once every delivery before it is reported, so a crash means sending again, never skipping. A
 * decision the engine marked as no webhook's ({@link DecisionHeaders}) is passed over without being decoded.
 */
@Context
@Requires(property = "allotment.webhooks.enabled", notEquals = "false")
public class WebhookDispatcher implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    /**
     * An event read from partition {@code partition} at {@code offset}, waiting for or in delivery: a request made
     * ({@code request}) or a request's end without an answer ({@code ended}).
     */
    private record Job(TopicPartition partition, long offset, AllocationEvent event, AllocationRequested request,
                       RequestNotifier.Ended ended) {
        String allocationId() {
            return request != null ? request.getAllocationId() : ended.allocationId();
        }
    }

    /** A job ended; {@code reported}: its outcome reached the engine (or there was nothing to report). */
    private record Finished(TopicPartition partition, long offset, boolean reported) {}

    private final WebhookSettings settings;
    private final EngineSettings engine;
    private final Topics topics;
    private final StreamsRuntime runtime;
    private final Deserializer<AllocationEvent> decoder;
    private final OffsetLedger ledger = new OffsetLedger();
    private final Deque<Job> backlog = new ArrayDeque<>();
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService http = Executors.newFixedThreadPool(2, named("allotment-webhooks-http"));
    private final ExecutorService workers = Executors.newFixedThreadPool(4, named("allotment-webhooks-worker"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("allotment-webhooks-timer"));
    private final RequestNotifier notifier;
    private volatile boolean running = true;
    private KafkaConsumer<String, byte[]> consumer;
    private long lastCommit;
    private Thread pollThread;

    public WebhookDispatcher(WebhookSettings settings, EngineSettings engine, Topics topics, AvroSerdes serdes,
                             StreamsRuntime runtime, EngineState state, EventPublisher publisher, MeterRegistry meters,
                             WebhookTargets targets) {
        this.settings = settings;
        this.engine = engine;
        this.topics = topics;
        this.runtime = runtime;
        this.decoder = serdes.value(AllocationEvent.class).deserializer();
        if (settings.getMaxInFlight() < 1) {
            throw new IllegalArgumentException("allotment.webhooks.max-in-flight must be at least 1, was " + settings.getMaxInFlight());
        }
        String secret = settings.getSecret().isBlank() ? null : settings.getSecret();
        if (secret == null) {
            secret = WebhookSignature.randomSecret();
            LOG.warn("allotment.webhooks.secret (ALLOTMENT_WEBHOOK_SECRET) is not set: webhooks are signed with a random "
                + "secret, so receivers cannot verify signatures across restarts; set it");
        }
        RetryPolicy policy = new RetryPolicy(settings.getMaxAttempts(), settings.getInitialBackoff(), settings.getMaxBackoff());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(http)
            .connectTimeout(settings.getRequestTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        WebhookSender sender = new WebhookSender(client, timer, policy, new WebhookSignature(secret),
            settings.getRequestTimeout(), meters.counter("allotment.webhooks.attempts")::increment, targets);
        this.notifier = new RequestNotifier(state, publisher, sender, new WebhookMessage(settings.getPublicUrl()), policy,
            workers, timer, () -> running, meters.counter("allotment.webhooks.delivered"),
            meters.counter("allotment.webhooks.failed"));
        meters.gauge("allotment.webhooks.in.flight", inFlight);
    }

    /**
     * Sends again the webhook of each of {@code events} (the {@code AllocationRequested} events of one request: one per
     * SKU), as first sent (same body, same {@code Idempotency-Key}), each reported to the engine under a command id of
     * its own, so a delivery now makes a {@code failed} request {@code sent}, retried as the first sending was.
     * Returns at once; the request's status shows the outcome.
     */
    public void resend(List<AllocationEvent> events) {
        String attempt = Long.toString(System.currentTimeMillis(), 36);
        for (AllocationEvent e : events) {
            notifier.notify(e, (AllocationRequested) e.getPayload(), RequestNotifier.commandId(e) + ":resend:" + attempt)
                .whenComplete((outcome, error) -> {
                    if (error != null) {
                        LOG.warn("re-sending the webhook of event {} failed: {}", e.getEventId(), error.toString());
                    }
                });
        }
    }

    @PostConstruct
    void start() {
        pollThread = new Thread(this::run, "allotment-webhooks-poll");
        pollThread.setDaemon(true);
        pollThread.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        try {
            if (pollThread != null) {
                pollThread.join(DRAIN.plusSeconds(10).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        workers.shutdownNow();
        http.shutdownNow();
    }

    private void run() {
        try {
            if (!awaitEngine()) {
                return;
            }
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                c.subscribe(List.of(topics.allocationEvents()), this);
                lastCommit = System.nanoTime();
                LOG.info("webhook sender reading {} as group {}", topics.allocationEvents(), groupId());
                while (running) {
                    pollOnce(c);
                }
                drainAndCommit(c);
            }
        } catch (RuntimeException e) {
            LOG.error("the webhook sender stopped; allocation requests are not sent until restart", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Location lookups read the engine's global store, so wait until the topology runs. */
    private boolean awaitEngine() throws InterruptedException {
        while (running && !runtime.started()) {
            Thread.sleep(POLL.toMillis());
        }
        return running;
    }

    private String groupId() {
        return engine.getStreams().getApplicationId() + "-webhooks";
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = engine.getKafka().connection().with();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.getMaxInFlight());
        return config;
    }

    private void pollOnce(KafkaConsumer<String, byte[]> c) {
        applyFinished();
        startFromBacklog();
        if (!backlog.isEmpty() || inFlight.get() >= settings.getMaxInFlight()) {
            c.pause(c.assignment());
        } else if (!c.paused().isEmpty()) {
            c.resume(c.paused());
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
            take(r);
        }
        startFromBacklog();
        long now = System.nanoTime();
        if (now - lastCommit >= COMMIT_EVERY.toNanos()) {
            lastCommit = now;
            Map<TopicPartition, OffsetAndMetadata> advanced = ledger.advanced();
            if (!advanced.isEmpty()) {
                c.commitAsync(advanced, (offsets, error) -> {
                    if (error != null) {
                        LOG.warn("webhook sender: committing {} failed (they are committed again later): {}", offsets, error.toString());
                    }
                });
                ledger.committed(advanced);
            }
        }
    }

    private void take(ConsumerRecord<String, byte[]> r) {
        TopicPartition partition = new TopicPartition(r.topic(), r.partition());
        if (!DecisionHeaders.mayConcernWebhooks(r.headers())) {
            ledger.read(partition, r.offset(), false);   // marked by the engine as no webhook's: not decoded
            return;
        }
        AllocationEvent event = null;
        try {
            event = r.value() == null ? null : decoder.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("webhook sender skips an undecodable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
        boolean confirm = event != null && RequestNotifier.isConfirmRequest(event);
        Optional<RequestNotifier.Ended> ended = event == null ? Optional.empty() : RequestNotifier.Ended.of(event);
        ledger.read(partition, r.offset(), confirm || ended.isPresent());
        if (confirm) {
            backlog.add(new Job(partition, r.offset(), event, (AllocationRequested) event.getPayload(), null));
        } else if (ended.isPresent()) {
            backlog.add(new Job(partition, r.offset(), event, null, ended.get()));
        }
    }

    private void startFromBacklog() {
        while (!backlog.isEmpty() && inFlight.get() < settings.getMaxInFlight()) {
            Job job = backlog.poll();
            inFlight.incrementAndGet();
            try {
                (job.request() != null ? notifier.notify(job.event(), job.request()) : notifier.notifyEnded(job.event(), job.ended()))
                    .whenComplete((done, error) -> finish(job, error));
            } catch (RuntimeException e) {
                finish(job, e);
            }
        }
    }

    private void finish(Job job, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean stopped = cause instanceof CancellationException || (cause != null && !running);
        if (cause != null && !stopped) {
            // not transient (those are retried): holding the partition back for it would stop every later request
            LOG.error("webhook for allocation request {} of order {} (event {}) could not be handled; skipped",
                job.allocationId(), job.event().getOrderId(), job.event().getEventId(), cause);
        }
        finished.add(new Finished(job.partition(), job.offset(), !stopped));
    }

    private void applyFinished() {
        for (Finished f = finished.poll(); f != null; f = finished.poll()) {
            apply(f);
        }
    }

    private void apply(Finished f) {
        inFlight.decrementAndGet();
        if (f.reported()) {
            ledger.reported(f.partition(), f.offset());
        }
    }

    /** On shutdown: give deliveries in flight a moment to be reported, then commit what is safely done. */
    private void drainAndCommit(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        applyFinished();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Finished f = finished.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f != null) {
                apply(f);
            }
        }
        if (inFlight.get() > 0) {
            LOG.info("webhook sender stopping with {} deliveries unreported; they are sent again after restart", inFlight.get());
        }
        commitSafely(c, ledger.safe(c.assignment()));
    }

    private void commitSafely(KafkaConsumer<String, byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets, Duration.ofSeconds(5));
            ledger.committed(offsets);
        } catch (KafkaException e) {
            LOG.warn("webhook sender: committing {} failed; those deliveries may be sent again: {}", offsets, e.toString());
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        applyFinished();
        commitSafely(consumer, ledger.safe(partitions));
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.debug("webhook sender assigned {}", partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        ledger.forget(partitions);
        backlog.removeIf(job -> partitions.contains(job.partition()));
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
