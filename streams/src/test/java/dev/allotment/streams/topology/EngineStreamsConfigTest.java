package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Interactive queries read committed state only with both transactional stores and {@code READ_COMMITTED}: the defaults
 * do, and either setting overridden (as {@code allotment.streams.config.*} strings) does not.
 */
class EngineStreamsConfigTest {
    @Test
    void theDefaultsReadCommittedStateAndEitherOverrideReadsUncommittedState() {
        assertTrue(EngineStreamsConfig.readsCommitted(defaults()));

        Properties notTransactional = defaults();
        notTransactional.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, "false");
        assertFalse(EngineStreamsConfig.readsCommitted(notTransactional));

        Properties uncommitted = defaults();
        uncommitted.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_UNCOMMITTED");
        assertFalse(EngineStreamsConfig.readsCommitted(uncommitted));

        Properties asWritten = defaults();
        asWritten.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, " true ");
        asWritten.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "read_committed");
        assertTrue(EngineStreamsConfig.readsCommitted(asWritten), "settings as strings, in any case");

        Properties unset = defaults();
        unset.remove(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG);
        assertFalse(EngineStreamsConfig.readsCommitted(unset), "Kafka Streams' own default is not transactional");
    }

    @Test
    void aRestoreConsumerPollReturnsTenThousandRecordsWhileTheMainConsumerKeepsKafkaStreamsDefault() {
        StreamsConfig config = new StreamsConfig(defaults());
        assertEquals("10000", config.getRestoreConsumerConfigs("engine").get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)
            .toString(), "what Kafka Streams hands its restore consumer");
        assertEquals("1000", config.getMainConsumerConfigs("engine", "engine-client", 0)
            .get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG).toString(), "the stream thread's own polls unchanged");

        Properties overridden = defaults();
        overridden.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "500");
        assertEquals("500", new StreamsConfig(overridden).getRestoreConsumerConfigs("engine")
            .get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG).toString(), "allotment.streams.config overrides it");
    }

    @Test
    void aThreadPollsForAFifthOfItsCommitIntervalAtMostSoThatAPollDoesNotHoldTheCommitLong() {
        assertEquals(10L, defaults().get(StreamsConfig.POLL_MS_CONFIG), "the shipped 50 ms interval");
        assertEquals(2, EngineStreamsConfig.pollMsFor(10));
        assertEquals(1, EngineStreamsConfig.pollMsFor(4), "never a poll that does not wait at all");
        assertEquals(1, EngineStreamsConfig.pollMsFor(0));
        assertEquals(100, EngineStreamsConfig.pollMsFor(500), "Kafka Streams' default at most");
        assertEquals(100, EngineStreamsConfig.pollMsFor(30_000));
    }

    private static Properties defaults() {
        return EngineStreamsConfig.defaults("app", "localhost:9092", "/tmp/state");
    }
}
