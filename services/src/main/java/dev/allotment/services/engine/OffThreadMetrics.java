package dev.allotment.services.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The Kafka Streams metrics that a thread other than the stream thread may read at any moment, and a {@link KafkaStreams}
 * whose {@code metrics()} lists only those.
 *
 * <p>Kafka Streams 4.4's {@code uncommitted-bytes} gauge of a transactional store reads the store's RocksDB write batch
 * with no lock and no check that the store is open. {@code MeteredKeyValueStore.close()} closes the store before it
 * removes the gauge, and a reader that holds the metric (Micrometer's binder keeps each one until its next refresh, a
 * minute later; a Prometheus scrape reads through it) reads freed native memory: the JVM dies with SIGSEGV in
 * {@code WriteBatch.getDataSize}. A store closes whenever a task moves or the engine stops, so the gauge is left out of
 * what anything but the stream thread reads. {@code StoreMetricsAfterCloseTest} is the reproduction.
 */
public final class OffThreadMetrics {
    static final String STORE_GROUP = "stream-state-metrics";
    static final String UNCOMMITTED_BYTES = "uncommitted-bytes";

    private OffThreadMetrics() {}

    /** Whether reading this metric from another thread is safe whatever the stream thread is doing. */
    public static boolean readable(MetricName name) {
        return !(STORE_GROUP.equals(name.group()) && UNCOMMITTED_BYTES.equals(name.name()));
    }

    /** The readable part of {@code all}, in its order. */
    public static Map<MetricName, ? extends Metric> of(Map<MetricName, ? extends Metric> all) {
        Map<MetricName, Metric> readable = new LinkedHashMap<>();
        all.forEach((name, metric) -> {
            if (readable(name)) {
                readable.put(name, metric);
            }
        });
        return readable;
    }

    /** A KafkaStreams whose {@code metrics()} (what Micrometer's binder reads) lists the readable metrics only. */
    public static KafkaStreams streams(Topology topology, Properties properties) {
        return new KafkaStreams(topology, properties) {
            @Override
            public Map<MetricName, ? extends Metric> metrics() {
                return of(super.metrics());
            }
        };
    }
}
