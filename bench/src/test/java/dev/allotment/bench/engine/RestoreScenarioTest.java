package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreScenarioTest {
    private final OrderLoader.Loaded loaded = new OrderLoader.Loaded(null, 1000, 3000, 6000, 4,
        List.of("o-000000990", "o-000000997", "o-000000985", "o-000000999"),
        List.of("o-000000996", "o-000000998", "o-000000995", "o-000000999"));

    @Test
    void theSampleCoversTheEndOfEveryPartitionAndItsHistoryThenRandomOrdersAndSkus() {
        List<String> paths = RestoreScenario.samplePaths(loaded, 1000, 40, 100, 4, 1);
        for (String id : List.of("o-000000990", "o-000000997", "o-000000985", "o-000000996", "o-000000998", "o-000000995",
            "o-000000999", "o-000000000")) {
            assertTrue(paths.contains("/orders/" + id), id);
            assertTrue(paths.contains("/orders/" + id + "/events"), id);
        }
        assertEquals(40, paths.stream().filter(p -> p.startsWith("/orders/") && !p.endsWith("/events")).count());
        assertTrue(paths.contains("/stock/SKU-00000"), "the most popular SKU");
        assertEquals(paths.size(), paths.stream().distinct().count(), "no path twice");
        assertEquals(paths, RestoreScenario.samplePaths(loaded, 1000, 40, 100, 4, 1), "the same sample for the same seed");
    }

    @Test
    void aSampleLargerThanTheLoadTakesEveryOrder() {
        OrderLoader.Loaded twelve = new OrderLoader.Loaded(null, 12, 36, 72, 4,
            List.of("o-000000010", "o-000000011", "o-000000009", "o-000000008"), List.of("o-000000011"));
        List<String> paths = RestoreScenario.samplePaths(twelve, 12, 40, 100, 4, 1);
        assertEquals(java.util.stream.LongStream.range(0, 12).mapToObj(i -> "/orders/" + OrderMix.orderId(i)).sorted().toList(),
            paths.stream().filter(p -> p.startsWith("/orders/") && !p.endsWith("/events")).sorted().toList());
    }

    @Test
    void restoreConsumerMetricsAreSummedOverRestoreConsumersOnly() {
        String page = String.join("\n",
            "# HELP kafka_consumer_fetch_manager_records_consumed_total …",
            "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"app-1-StreamThread-1-consumer\",kafka_version=\"4.3.1\"} 500.0",
            "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"app-1-StateUpdater-1-restore-consumer\",kafka_version=\"4.3.1\"} 49682.0",
            "kafka_consumer_fetch_manager_records_consumed_total{client_id=\"app-1-StateUpdater-2-restore-consumer\",kafka_version=\"4.3.1\"} 18.0",
            "kafka_consumer_fetch_manager_records_consumed_rate{client_id=\"app-1-StateUpdater-1-restore-consumer\",kafka_version=\"4.3.1\"} 9.0");
        assertEquals(49700.0, RestoreScenario.restoreConsumer(page, "kafka_consumer_fetch_manager_records_consumed_total"));
    }

    @Test
    void theEngineLogSaysWhenStreamsStartedAndWhatWasRestored() {
        EngineLog log = new EngineLog(List.of(
            "19:47:59.100 INFO  [main] d.a.s.engine.StreamsRuntime - topology:",
            "19:48:20.007 INFO  [main] d.a.s.engine.StreamsRuntime - Kafka Streams allotment-bench-x started against localhost:1 (registry http://r)",
            "19:48:26.256 INFO  [app-StateUpdater-1] o.a.k.s.p.i.StoreChangelogReader - state-updater [app-StateUpdater-1] Finished "
                + "restoring changelog app-orders-changelog-2 to store orders with a total number of 2062 records",
            "\tat org.apache.kafka.Something",
            "19:48:27.311 INFO  [app-StateUpdater-1] o.a.k.s.p.i.StoreChangelogReader - state-updater [app-StateUpdater-1] Finished "
                + "restoring changelog app-sku-stock-changelog-0 to store sku-stock with a total number of 4051 records"));
        assertEquals(LocalTime.parse("19:48:20.007"), log.streamsStarted());
        List<EngineLog.Restored> restored = log.restored();
        assertEquals(List.of("orders", "sku-stock"), restored.stream().map(EngineLog.Restored::store).toList());
        assertEquals(6113, restored.stream().mapToLong(EngineLog.Restored::records).sum());
        assertEquals(LocalTime.parse("19:48:27.311"), restored.get(1).at());
        assertNull(new EngineLog(List.of("nothing")).streamsStarted());
        assertNull(EngineLog.timeOf("\tat x"));
    }

    @Test
    void loggedTimesOfDayBecomeSecondsAfterTheProcessStart() {
        ZoneId utc = ZoneOffset.UTC;
        Instant start = Instant.parse("2026-11-25T19:47:50.500Z");
        assertEquals(29.507, EngineLog.secondsAfter(start, LocalTime.parse("19:48:20.007"), utc), 1e-9);
        Instant lateStart = Instant.parse("2026-11-25T23:59:59.000Z");
        assertEquals(2.0, EngineLog.secondsAfter(lateStart, LocalTime.parse("00:00:01.000"), utc), 1e-9, "past midnight");
    }

    @Test
    void changelogTopicsNameTheirStore() {
        assertEquals("order-history", Changelogs.storeOf("allotment-bench-x-order-history-changelog", "allotment-bench-x-"));
    }

    @Test
    void anOrderCountsAsFoldedOnceItShowsEveryLineAllocated() throws Exception {
        assertTrue(OrderLoader.fullyAllocated(200, "{\"allocated_completely\":true,\"allocations\":[{\"id\":\"al-1\"}]}"));
        assertFalse(OrderLoader.fullyAllocated(200, "{\"allocated_completely\":false,\"allocations\":[{\"id\":\"al-1\"}]}"));
        assertFalse(OrderLoader.fullyAllocated(404, "{\"error\":\"not_found\"}"));
        assertFalse(OrderLoader.fullyAllocated(200, "{\"allocated_completely\":true,\"allocations\":[]}"));
    }

    @Test
    void rocksDbMemoryTakesTheSharedCacheOnceAndSumsMemtablesOverStores() {
        String page = String.join("\n",
            "# HELP kafka_stream_state_block_cache_usage …",
            "kafka_stream_state_block_cache_capacity{rocksdb_state_id=\"orders\",task_id=\"2_0\"} 1.34217728E8",
            "kafka_stream_state_block_cache_capacity{rocksdb_state_id=\"sku-stock\",task_id=\"3_0\"} 1.34217728E8",
            "kafka_stream_state_block_cache_usage{rocksdb_state_id=\"orders\",task_id=\"2_0\"} 5.0E7",
            "kafka_stream_state_block_cache_usage{rocksdb_state_id=\"sku-stock\",task_id=\"3_0\"} 5.1E7",
            "kafka_stream_state_cur_size_all_mem_tables{rocksdb_state_id=\"orders\",task_id=\"2_0\"} 1000.0",
            "kafka_stream_state_cur_size_all_mem_tables{rocksdb_state_id=\"sku-stock\",task_id=\"3_0\"} 2000.0");
        java.util.Map<String, Double> m = RestoreScenario.rocksDb(page);
        assertEquals(1.34217728E8, m.get("rocksdb_block_cache_capacity_mib"));
        assertEquals(5.1E7, m.get("rocksdb_block_cache_usage_mib"));
        assertEquals(3000.0, m.get("rocksdb_memtables_mib"));
        assertTrue(RestoreScenario.rocksDb("jvm_memory_used_bytes{area=\"heap\"} 1.0").isEmpty(), "not on the page yet");
    }

    @Test
    void theBreakdownSaysWhereTheTimeWent() {
        java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
        assertEquals("", RestoreScenario.breakdown(extra));
        extra.put("streams_started_s", 31.5);
        extra.put("last_changelog_restored_s", 67.5);
        extra.put("records_restored", 18_000_000L);
        assertEquals(" Kafka Streams was started 31.5 s after the process (JVM, Micronaut, topics, schemas); its last changelog "
            + "was restored 36.0 s later (18,000,000 records, 500,000 records/s).", RestoreScenario.breakdown(extra));
    }
}
