package dev.allotment.services.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TempDirs;
import dev.allotment.streams.topology.EngineStreamsConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka Streams 4.4's {@code uncommitted-bytes} store gauge reads freed native memory once its store has closed; with
 * {@code new KafkaStreams(...)} in place of {@link OffThreadMetrics#streams} the first round of this test kills its JVM
 * (SIGSEGV in {@code WriteBatch.getDataSize}), as a Prometheus scrape or Micrometer's refresh killed the engine when
 * tasks moved. On the real broker: every metric Micrometer binds, and every metric listed, is read from another thread,
 * without pause, while the stores close.
 */
@ExtendWith(RealInfrastructure.class)
class StoreMetricsAfterCloseTest {
    static final String TOPIC = "metrics-after-close";

    @Test
    void onlyTheUncommittedBytesGaugeOfAStoreIsUnreadable() {
        Map<String, String> tags = Map.of("task-id", "0_1", "rocksdb-state-id", "latest");
        assertFalse(OffThreadMetrics.readable(new MetricName("uncommitted-bytes", "stream-state-metrics", "", tags)));
        assertTrue(OffThreadMetrics.readable(new MetricName("num-open-iterators", "stream-state-metrics", "", tags)));
        assertTrue(OffThreadMetrics.readable(new MetricName("uncommitted-bytes", "allotment", "", tags)));
    }

    @Test
    void everyMetricReadWhileTheStoresCloseLeavesTheJvmStanding() throws Exception {
        String bootstrap = RealInfrastructure.endpoints().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        }
        try (var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 2000; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
            }
        }
        for (int round = 0; round < 3; round++) {
            String application = "metrics-after-close-" + round;
            Properties props = EngineStreamsConfig.defaults(application, bootstrap,
                TempDirs.create("metrics-after-close").toString());
            StreamsBuilder builder = new StreamsBuilder();
            builder.table(TOPIC, Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("latest"));
            KafkaStreams streams = OffThreadMetrics.streams(builder.build(), props);
            streams.start();
            awaitAllFourStores(streams);
            // bound once the stores are open, so that its first look binds their metrics, as its refresh does in the engine
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
            binder.bindTo(registry);
            assertEquals(4, registry.find("kafka.stream.state.num.open.iterators").meters().size());
            assertEquals(0, registry.find("kafka.stream.state.uncommitted.bytes").meters().size());

            List<Metric> listed = new ArrayList<>(streams.metrics().values());
            assertTrue(listed.stream().anyMatch(m -> m.metricName().group().equals(OffThreadMetrics.STORE_GROUP)),
                "the stores' other metrics are still listed");
            assertFalse(listed.stream().anyMatch(m -> m.metricName().name().equals(OffThreadMetrics.UNCOMMITTED_BYTES)));
            assertEquals(0, ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("kafka.streams:type=stream-state-metrics,thread-id=" + application + "*,*"), null).size(),
                "JMX lists no store's metrics (a JMX reader races the stores' close alike)");
            assertTrue(ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("kafka.streams:type=stream-thread-metrics,thread-id=" + application + "*"), null).size() > 0);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    for (Metric metric : listed) {
                        read(metric::metricValue);
                    }
                    for (Meter meter : registry.getMeters()) {
                        read(() -> {
                            for (Measurement measurement : meter.measure()) {
                                measurement.getValue();
                            }
                            return null;
                        });
                    }
                    reads.incrementAndGet();
                }
            });
            reader.start();
            streams.close(Duration.ofSeconds(30));
            Thread.sleep(300);
            stop.set(true);
            reader.join();
            binder.close();
            assertTrue(reads.get() > 10, "the reader read through the close: " + reads.get() + " passes");
        }
    }

    private static void read(java.util.concurrent.Callable<?> value) {
        try {
            value.call();
        } catch (Exception e) {
            // a closed store may refuse with an exception; what must not happen is a read of freed memory
        }
    }

    private static void awaitAllFourStores(KafkaStreams streams) {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING
            && streams.metrics().keySet().stream().filter(n -> n.group().equals(OffThreadMetrics.STORE_GROUP)
                && n.name().equals("num-open-iterators")).count() == 4);
    }
}
