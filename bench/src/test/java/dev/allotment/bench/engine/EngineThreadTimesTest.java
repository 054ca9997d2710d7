package dev.allotment.bench.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The stream threads' commit times and time shares, read from the engine's /prometheus page as a report's facts. */
class EngineThreadTimesTest {
    private static final String TWO_THREADS = String.join("\n",
        "# HELP kafka_stream_thread_commit_latency_avg The average commit latency",
        "# TYPE kafka_stream_thread_commit_latency_avg gauge",
        "kafka_stream_thread_commit_latency_avg{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-1\"} 12.0",
        "kafka_stream_thread_commit_latency_avg{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-2\"} 18.0",
        "kafka_stream_thread_commit_latency_max{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-1\"} 40.0",
        "kafka_stream_thread_commit_latency_max{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-2\"} 95.0",
        "kafka_stream_thread_commit_ratio{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-1\"} 0.25",
        "kafka_stream_thread_commit_ratio{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-2\"} 0.35",
        "kafka_stream_thread_commit_total{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-1\"} 700.0",
        "kafka_stream_thread_process_ratio{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-1\"} 0.5",
        "kafka_stream_thread_process_ratio{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-2\"} NaN",
        "kafka_stream_thread_poll_ratio{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-1\"} 0.2",
        "kafka_stream_thread_poll_ratio{kafka_version=\"4.4.0\",thread_id=\"a-StreamThread-2\"} 0.4",
        "jvm_threads_live_threads 80.0");

    @Test
    void commitsAreTheLongestOfAnyThreadAndSharesTheThreadsMean() throws Exception {
        Map<String, Object> facts = new LinkedHashMap<>();
        EngineUsage.putThreadTimes(prefix -> EngineStack.seriesValues(TWO_THREADS, prefix), facts);
        assertEquals(15.0, facts.get("stream_commit_ms_avg"));
        assertEquals(95.0, facts.get("stream_commit_ms_max"));
        assertEquals(0.3, (Double) facts.get("stream_commit_ratio"), 1e-9);
        assertEquals(0.5, facts.get("stream_process_ratio"), "a thread that has not measured yet (NaN) is left out");
        assertEquals(0.3, (Double) facts.get("stream_poll_ratio"), 1e-9);
        assertFalse(facts.containsKey("stream_punctuate_ratio"), "nothing is said where the engine says nothing");
    }

    @Test
    void anEngineWithoutTheMetricsAddsNothing() throws Exception {
        Map<String, Object> facts = new LinkedHashMap<>();
        EngineUsage.putThreadTimes(prefix -> EngineStack.seriesValues("jvm_threads_live_threads 80.0", prefix), facts);
        assertEquals(Map.of(), facts);
    }
}
