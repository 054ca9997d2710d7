package dev.allotment.services.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.topology.EngineStreamsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real broker, with the engine's Streams settings (exactly-once, transactional stores read at
 * {@code READ_COMMITTED}) and a 2 s commit interval: a processor writes a key's store and signals the change; the wait
 * watching that key is not woken while the stream thread has not committed since, is woken after it has, and then
 * reads the value the processor wrote.
 */
@ExtendWith(RealInfrastructure.class)
class CommitSignalTest {
    static final String TOPIC = "commit-signal";
    static final String STORE = "values";

    @Test
    void aWaitIsWokenOnceTheThreadThatChangedItsKeyHasCommittedAndReadsTheChange() throws Exception {
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        Properties props = EngineStreamsConfig.defaults("commit-signal", bootstrap,
            TempDirs.create("commit-signal").toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 2_000);
        StoreChanges changes = new StoreChanges();
        CountDownLatch processed = new CountDownLatch(1);
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<Double> commitsWhenProcessed = new AtomicReference<>();

        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), TOPIC);
        topology.addProcessor("write", () -> new Processor<String, String, Void, Void>() {
            private ProcessorContext<Void, Void> context;
            private KeyValueStore<String, String> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                this.context = context;
                this.store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, String> record) {
                store.put(record.key(), record.value());
                String name = Thread.currentThread().getName();
                thread.set(name);
                commitsWhenProcessed.set(commits(context.metrics().metrics(), name));
                changes.changed(record.key());
                processed.countDown();
            }
        }, "in");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            Serdes.String()), "write");

        KafkaStreams streams = OffThreadMetrics.streams(topology, props);
        AtomicLong stateChanges = new AtomicLong();
        streams.setStateListener((now, before) -> stateChanges.incrementAndGet());
        try (CommitSignal signal = new CommitSignal(streams::metrics, stateChanges::get, changes, "test-commit-signal")) {
            streams.start();
            signal.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            CountDownLatch woken = new CountDownLatch(1);
            try (StoreChanges.Watch watch = changes.watch(List.of("k"), woken::countDown);
                 var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new StringSerializer())) {
                watch.reset();
                producer.send(new ProducerRecord<>(TOPIC, "k", "v1")).get();
                assertTrue(processed.await(60, TimeUnit.SECONDS), "the processor saw the record");

                // not woken while the thread has made no commit since it processed the record
                boolean wokenEarly = watch.changed();
                double commitsNow = commits(streams.metrics(), thread.get());
                if (commitsNow == commitsWhenProcessed.get()) {
                    assertFalse(wokenEarly, "woken before the thread committed the change");
                }

                assertTrue(woken.await(30, TimeUnit.SECONDS),
                    "woken by the commit, well within 30 s (the commit interval is 2 s)");
                assertTrue(watch.changed());
                assertTrue(commits(streams.metrics(), thread.get()) > commitsWhenProcessed.get(),
                    "the thread committed after it processed the record");
                var read = streams.store(StoreQueryParameters.fromNameAndType(STORE,
                    QueryableStoreTypes.<String, String>keyValueStore()));
                assertEquals("v1", read.get("k"), "a committed read after the wake sees the change");
            }
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static double commits(Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics, String thread) {
        var counter = CommitSignal.counters(metrics).get(thread);
        assertTrue(counter != null, "a commit counter for " + thread + " among " + CommitSignal.counters(metrics).keySet());
        return ((Number) counter.metricValue()).doubleValue();
    }
}
