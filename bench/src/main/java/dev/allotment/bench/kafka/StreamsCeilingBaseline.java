package dev.allotment.bench.kafka;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.BenchResult;
import dev.allotment.bench.core.Machine;
import dev.allotment.bench.core.Measurement;
import dev.allotment.bench.core.Pacer;
import dev.allotment.bench.core.Progress;
import dev.allotment.bench.core.RunResult;
import dev.allotment.bench.core.Trees;
import dev.allotment.bench.core.Zipf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Baseline: the hardware's Kafka Streams ceiling. Runs {@link CeilingTopology} in this JVM under exactly_once_v2 and
 * feeds it lines (Zipf-popular SKUs, three lines an order): unthrottled, N lines and the time until the fold has seen
 * all N; at fixed offered rates, each line's latency from its intended send to its fold.
 */
public final class StreamsCeilingBaseline {
    static final String LINES = "allotment-bench.ceiling-lines";
    private static final int LINES_PER_ORDER = 3;

    private final Options o;
    private final AtomicReference<Measurement> current = new AtomicReference<>(new Measurement(Long.MAX_VALUE, Long.MAX_VALUE));
    private final AtomicLong folded = new AtomicLong();
    private final Zipf skus;
    private final SplittableRandom random = new SplittableRandom(7);
    private long sent;
    private long orderBase;

    private StreamsCeilingBaseline(Options o) {
        this.o = o;
        this.skus = new Zipf(o.skus(), o.zipf());
    }

    public static BenchResult run(Options o) throws Exception {
        return new StreamsCeilingBaseline(o).runAll();
    }

    private BenchResult runAll() throws Exception {
        String started = Instant.now().toString();
        List<RunResult> runs = new ArrayList<>();
        Path stateDir = Files.createTempDirectory("allotment-bench-streams");
        try (Broker broker = Broker.connect(o.bootstrap(), o.bootstrapGiven())) {
            broker.recreateTopic(LINES, o.partitions());
            KafkaStreams streams = new KafkaStreams(CeilingTopology.build(LINES, o.partitions(),
                intended -> {
                    current.get().record(intended, System.nanoTime());
                    folded.incrementAndGet();
                }), streamsConfig(broker, stateDir));
            try (KafkaProducer<String, byte[]> producer = producer(broker)) {
                startAndWait(streams);
                for (double rate : o.rates("max,5000,20000,50000", "max,2000")) {
                    orderBase += 1_000_000_000L;  // every run's orders are new orders
                    runs.add(rate == 0 ? unthrottled(producer) : atRate(producer, rate));
                }
            } finally {
                streams.close(Duration.ofSeconds(30));
                streams.cleanUp();
            }
            return new BenchResult("baseline-streams", "lines", started, parameters(broker), Machine.describe(),
                BenchResult.bestRate(runs), runs, List.of(
                    "Latency runs from a line's intended send time to the moment the fold processes it; under exactly_once_v2 "
                        + "a line crosses two repartition topics, each readable after the writing task commits.",
                    "The Streams application and the load generator share this JVM; the broker runs beside them on the same cores."));
        } finally {
            Trees.deleteQuietly(stateDir);
        }
    }

    private Map<String, Object> parameters(Broker broker) {
        Map<String, Object> p = o.asParameters();
        p.put("partitions", o.partitions());
        p.put("commit_interval_ms", o.commitIntervalMs());
        p.put("stream_threads", o.threads());
        p.put("processing_guarantee", StreamsConfig.EXACTLY_ONCE_V2);
        p.put("record_size", o.recordSize());
        p.put("skus", o.skus());
        p.put("zipf", o.zipf());
        p.put("broker", broker.local() ? "started by the runner (KafkaClusterTestKit, own JVM)" : broker.bootstrap());
        return p;
    }

    private Properties streamsConfig(Broker broker, Path stateDir) {
        Properties p = new Properties();
        p.putAll(broker.client());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "allotment-bench-ceiling-" + System.currentTimeMillis());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, o.commitIntervalMs());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, o.threads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put("processing.exception.handler.global.enabled", true);  // Kafka 5's default; silences its start-up warning
        return p;
    }

    private static KafkaProducer<String, byte[]> producer(Broker broker) {
        return new KafkaProducer<>(broker.client(
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
            new StringSerializer(), new ByteArraySerializer());
    }

    private static void startAndWait(KafkaStreams streams) throws InterruptedException {
        streams.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(100);
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, long intendedNanos) {
        long order = orderBase + sent / LINES_PER_ORDER;
        sent++;
        producer.send(new ProducerRecord<>(LINES, CeilingTopology.Line.orderKey(order),
            CeilingTopology.Line.encode(intendedNanos, skus.next(random), order, o.recordSize())));
    }

    /** N lines as fast as they go (after a warm-up of a fifth as many), timed until the fold has seen the last. */
    private RunResult unthrottled(KafkaProducer<String, byte[]> producer) throws InterruptedException {
        long n = o.lines();
        System.out.printf(Locale.ROOT, "baseline-streams max: warm-up of %,d lines, then %,d lines unthrottled%n", n / 5, n);
        Measurement warm = new Measurement(Long.MAX_VALUE, Long.MAX_VALUE);
        current.set(warm);
        long target = folded.get() + n / 5;
        for (long i = 0; i < n / 5; i++) {
            send(producer, System.nanoTime());
        }
        awaitFolded(target, "warm-up");
        long start = System.nanoTime();
        Measurement m = new Measurement(start, Long.MAX_VALUE);
        m.endedByLimit();
        current.set(m);
        target = folded.get() + n;
        try (Progress ignored = Progress.start("max", m)) {
            for (long i = 0; i < n; i++) {
                send(producer, System.nanoTime());
            }
            awaitFolded(target, "max");
        }
        return RunResult.of("max", Map.of(), null, m, extra());
    }

    /** Lines at a fixed rate for warm-up + duration, each timed from its intended send; then the backlog drains. */
    private RunResult atRate(KafkaProducer<String, byte[]> producer, double rate) throws InterruptedException {
        String label = String.format(Locale.ROOT, "%.0f/s", rate);
        System.out.println("baseline-streams " + label + ": warm-up " + o.warmup().toSeconds() + " s, measured "
            + o.duration().toSeconds() + " s");
        long start = System.nanoTime() + 10_000_000L;
        long measureStart = start + o.warmup().toNanos();
        Measurement m = new Measurement(measureStart, measureStart + o.duration().toNanos());
        current.set(m);
        Pacer pacer = new Pacer(start, rate);
        long target = folded.get();
        try (Progress ignored = Progress.start(label, m)) {
            for (long i = 0; ; i++) {
                long intended = pacer.intendedStart(i, 0);
                if (intended >= m.measureEndNanos()) {
                    break;
                }
                Pacer.awaitUntil(intended, Pacer.Clock.SYSTEM);
                send(producer, intended);
                target++;
            }
            awaitFolded(target, label);
        }
        return RunResult.of(label, Map.of(), rate, m, extra());
    }

    private Map<String, Object> extra() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("commit_interval_ms", o.commitIntervalMs());
        return extra;
    }

    private void awaitFolded(long target, String phase) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (folded.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(phase + ": the fold saw " + folded.get() + " of " + target + " lines within 120 s");
            }
            Thread.sleep(5);
        }
    }
}
