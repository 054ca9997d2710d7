package dev.allotment.streams.topology;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the engine runs with unless told otherwise: exactly-once v2, a short
 * commit interval (every hop on a path costs one), bounded RocksDB memory. Callers overlay their own.
 */
public final class EngineStreamsConfig {
    /** The JMX names of the stores' metrics (one MBean per store), excluded from JMX. */
    public static final String STORE_MBEANS = "kafka\\.streams:type=stream-state-metrics,.*";
    /**
     * The commit interval the engine ships with ({@code allotment.streams.commit-interval-ms}): every exactly-once hop on
     * a path waits for one, and each commit costs the stream thread a fixed share, so shorter is faster answers and
     * fewer lines a second (docs/configuration.md).
     */
    public static final int COMMIT_INTERVAL_MS = 50;
    /** Records a poll of the restore consumer returns at most: each poll's records are restored as one batch. */
    private static final int RESTORE_POLL_RECORDS = 10_000;

    private EngineStreamsConfig() {}

    public static Properties defaults(String applicationId, String bootstrapServers, String stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.POLL_MS_CONFIG, pollMsFor(COMMIT_INTERVAL_MS));
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // Kafka's default, said outright: lz4 cost the engine about 8 % more CPU per decision (and the broker more to
        // validate) on a CPU-bound machine; where the network is the limit, set producer.compression.type
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // a restore (and a standby's catching up) applies what each poll of the restore consumer returned as one batch;
        // at Kafka Streams' 1,000 records a poll, 1,000,000 orders restored in 24.6 s against 18.6 s at 10,000, the
        // restoring threads taking 1.4 times the CPU for the same records, on a CPU-bound machine
        // (docs/benchmarks/RESULTS.md, "A restore's polls"); a poll of 10,000 change records is a few MiB
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), RESTORE_POLL_RECORDS);
        // a member that died (SIGKILL, a lost host) is expired after 6 s (the broker's least by default), not Kafka's
        // 45 s: its partitions move to the other instances that much sooner; heartbeats come from their own thread, so
        // long processing does not expire it
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
        // the transaction a dead member left open holds its partitions for every read_committed reader (the new owner's
        // restore included) until it ends; the engine fences a departed member's transactional id as soon as the group
        // has expired it (services' DepartedFencer), so Kafka Streams' 10 s transaction timeout and the broker's sweep
        // stay at their defaults (docs/operations.md, "Failover", says why the sweep must not be shortened on one node)
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // each task reads two topics whose records need no time order between them (orders and decisions; commands and
        // stock); at the default 0 Kafka Streams formats a log line for the empty one before every record it processes
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // KIP-892 (Kafka 4.4): a store stages its writes until the changelog's transaction commits, so after a crash
        // under exactly-once a task keeps its local state instead of being declared corrupted, wiped and restored from
        // its changelogs in full (CrashRecoveryIT checks it)
        props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        // ... and an interactive query reads what is committed only: an answer never shows a decision that a crash rolls
        // back and the replay may take otherwise (docs/architecture.md, "Answers describe committed state"; measured:
        // supplier answers wait one commit more for the order's fold, about 60 ms at p50; allocations and reads, nothing)
        props.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_COMMITTED");
        // no store's metrics over JMX: 4.4's uncommitted-bytes gauge reads freed native memory once its store has closed
        // (the JVM dies), and a JMX reader reads every attribute of the store's MBean; the engine serves the others at
        // /prometheus, through a view without that gauge (services' OffThreadMetrics)
        props.put(JmxReporter.EXCLUDE_CONFIG, STORE_MBEANS);
        return props;
    }

    /**
     * How long a stream thread's poll may block waiting for input ({@code poll.ms}) under a commit interval of {@code
     * commitIntervalMs}: a fifth of it, between 1 and Kafka Streams' default 100 ms. The thread checks whether its commit
     * is due only between polls, so when no record comes (the clients that sent the commands it processed all waiting
     * for their answers, which wait for that commit) the commit waits for the poll to time out: at the default 100 ms a
     * 50 ms interval committed every 140 ms, and 32 clients at 250 allocations a second fell into that lockstep and
     * stayed there (docs/benchmarks/RESULTS.md, "A poll that held the commit"). At a fifth the commit is at most that
     * late; an idle thread polls five times per interval, each an empty poll.
     */
    public static long pollMsFor(long commitIntervalMs) {
        return Math.max(1, Math.min(100, commitIntervalMs / 5));
    }

    /**
     * Whether interactive queries under {@code props} (the defaults with every override applied) read committed state
     * only: transactional state stores, queried at {@code READ_COMMITTED}. Either turned off, a query reads what a
     * crash may still roll back.
     */
    public static boolean readsCommitted(Map<?, ?> props) {
        Object transactional = props.get(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG);
        Object isolation = props.get(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG);
        return transactional != null && Boolean.parseBoolean(transactional.toString().trim())
            && isolation != null && "READ_COMMITTED".equalsIgnoreCase(isolation.toString().trim());
    }
}
