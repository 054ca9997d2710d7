package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.TopicSpec;
import dev.allotment.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicRulesTest {
    static final Topics TOPICS = Topics.withPrefix("t.");
    static final List<TopicSpec> SPECS = TOPICS.specs(4);

    /** Every topic as the engine would create it. */
    static Map<String, TopicRules.Existing> asCreated() {
        Map<String, TopicRules.Existing> all = new HashMap<>();
        SPECS.forEach(s -> all.put(s.name(), new TopicRules.Existing(s.partitions(), s.compacted() ? "compact" : "delete")));
        return all;
    }

    static List<String> differences(Map<String, TopicRules.Existing> existing) {
        return TopicRules.differences(SPECS, TopicRules.copartitioned(TOPICS), existing);
    }

    @Test
    void threeBrokersOrMoreGetThreeReplicasAndTwoInSyncSmallerClustersOnePerBroker() {
        assertEquals(new TopicRules.Replication((short) 3, 2), TopicRules.replication(3, (short) 0, 0));
        assertEquals(new TopicRules.Replication((short) 3, 2), TopicRules.replication(9, (short) 0, 0));
        assertEquals(new TopicRules.Replication((short) 2, 1), TopicRules.replication(2, (short) 0, 0));
        assertEquals(new TopicRules.Replication((short) 1, 1), TopicRules.replication(1, (short) 0, 0));
        assertEquals(new TopicRules.Replication((short) 5, 3), TopicRules.replication(6, (short) 5, 3), "settings override");
        assertTrue(assertThrows(IllegalStateException.class, () -> TopicRules.replication(3, (short) 2, 3)).getMessage()
            .contains("min-insync-replicas (3) is above the replication factor (2)"));
        assertTrue(assertThrows(IllegalStateException.class, () -> TopicRules.replication(1, (short) 3, 0)).getMessage()
            .contains("replication-factor is 3 but the cluster has 1 broker(s)"));
    }

    @Test
    void topicsAsTheEngineCreatesThemHaveNoDifferenceWhateverTheirCountAsLongAsGroupsAgree() {
        assertEquals(List.of(), differences(asCreated()));
        Map<String, TopicRules.Existing> twelve = asCreated();
        for (String t : List.of(TOPICS.orderEvents(), TOPICS.allocationEvents(), TOPICS.stockEvents(), TOPICS.commands(),
            TOPICS.engineCommands())) {
            twelve.put(t, new TopicRules.Existing(12, "delete"));
        }
        twelve.put(TOPICS.orderProjections(), new TopicRules.Existing(3, "compact"));
        assertEquals(List.of(), differences(twelve));
    }

    @Test
    void aCopartitionedTopicWithAnotherCountIsNamedWithItsGroup() {
        Map<String, TopicRules.Existing> existing = asCreated();
        existing.put(TOPICS.commands(), new TopicRules.Existing(6, "delete"));
        existing.put(TOPICS.allocationEvents(), new TopicRules.Existing(2, "delete"));
        List<String> found = differences(existing);
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("topic t.allocation-events has 2 partitions and t.order-events has 4: they must be co-partitioned"), found.get(0));
        assertTrue(found.get(1).startsWith("topic t.commands has 6 partitions and t.stock-events has 4"), found.get(1));

        Map<String, TopicRules.Existing> engineOwn = asCreated();
        engineOwn.put(TOPICS.engineCommands(), new TopicRules.Existing(8, "delete"));
        assertEquals(List.of("topic t.engine-commands has 8 partitions and t.stock-events has 4: they must be co-partitioned"
            + " (the same count), as one task reads both and finds a key's state by its partition"), differences(engineOwn));
    }

    @Test
    void aMissingTopicAndAWrongCleanupPolicyAreEachNamed() {
        Map<String, TopicRules.Existing> existing = asCreated();
        existing.remove(TOPICS.deadLetters());
        existing.put(TOPICS.orderEvents(), new TopicRules.Existing(4, "compact,delete"));
        existing.put(TOPICS.stockLevels(), new TopicRules.Existing(4, "delete"));
        List<String> found = differences(existing);
        assertEquals(3, found.size(), found.toString());
        assertTrue(found.contains("topic t.order-events has cleanup.policy=compact,delete; it is an event log and needs"
            + " cleanup.policy=delete (compaction keeps one event per key and loses the rest)"), found.toString());
        assertTrue(found.contains("topic t.stock-levels has cleanup.policy=delete; it is a latest-value feed and needs"
            + " cleanup.policy=compact"), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.startsWith("topic t.dead-letters does not exist")), found.toString());
    }

    @Test
    void aCompactedTopicOrChangelogWhoseSegmentsCloseLaterIsAdvisedWithTheCommandThatSetsThem() {
        Map<String, Map<String, String>> wanted = Map.of(
            "t.stock-levels", TopicSpec.churningSegments(),
            "t.order-projections", TopicSpec.compactedSegments(),
            "app-orders-changelog", TopicSpec.compactedSegments(),
            "app-sku-stock-changelog", TopicSpec.churningSegments(),
            "app-waiting-lines-changelog", TopicSpec.compactedSegments());
        Map<String, TopicRules.Existing> existing = new HashMap<>();
        existing.put("t.stock-levels", new TopicRules.Existing(4, "compact", TopicSpec.CHURNING_SEGMENT_BYTES, 3_600_000));
        existing.put("t.order-projections", new TopicRules.Existing(4, "compact", 1L << 30, 604_800_000));
        existing.put("app-orders-changelog", new TopicRules.Existing(4, "compact", 32L << 20, 3_600_000));
        existing.put("app-sku-stock-changelog", new TopicRules.Existing(4, "compact", 64L << 20, 3_600_000));
        // app-waiting-lines-changelog does not exist yet: Kafka Streams creates it with the settings
        List<String> advice = TopicRules.segmentAdvice(wanted, existing);
        assertEquals(2, advice.size(), advice.toString());
        assertEquals("topic app-sku-stock-changelog closes a segment at 67108864 bytes or 3600000 ms, the engine creates it"
            + " with 1048576 and 3600000: the broker compacts closed segments only, so a restore or a fresh instance reads"
            + " every update of its open segment. Set them once: kafka-configs.sh --bootstrap-server HOST:PORT --alter"
            + " --entity-type topics --entity-name app-sku-stock-changelog --add-config segment.bytes=1048576,"
            + "segment.ms=3600000", advice.get(0));
        assertTrue(advice.get(1).startsWith("topic t.order-projections closes a segment at 1073741824 bytes or 604800000 ms,"
            + " the engine creates it with 67108864 and 3600000"), advice.get(1));
        assertEquals(List.of(), TopicRules.segmentAdvice(wanted, Map.of("t.stock-levels",
            new TopicRules.Existing(4, "compact", 512 * 1024, 60_000))), "smaller segments than asked are left alone");
    }

    @Test
    void anEventLogKeepsTheBrokersSegmentsAndACompactedTopicMustHaveOne() {
        assertEquals(0, new TopicSpec("log", 4, false).segmentBytes());
        assertEquals(Map.of(), new TopicSpec("log", 4, false).segmentSettings());
        assertEquals(TopicSpec.COMPACTED_SEGMENT_BYTES, new TopicSpec("feed", 4, true).segmentBytes());
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("feed", 4, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("log", 4, false, 1024));
    }

    @Test
    void theDecisionLogIsKeptForeverAndAFiniteRetentionOfItIsAdvisedWithTheCommandThatKeepsIt() {
        TopicSpec log = SPECS.stream().filter(s -> s.name().equals(TOPICS.allocationEvents())).findFirst().orElseThrow();
        assertTrue(log.keptForever());
        assertEquals(Map.of("retention.ms", "-1"), log.retentionSettings());
        assertEquals(List.of(), SPECS.stream().filter(s -> !s.name().equals(log.name()))
            .filter(TopicSpec::keptForever).toList(), "only the decision log");
        assertEquals(Map.of(), new TopicSpec("log", 4, false).retentionSettings());
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("feed", 4, true, TopicSpec.COMPACTED_SEGMENT_BYTES, true));

        Map<String, TopicRules.Existing> existing = new HashMap<>();
        SPECS.forEach(s -> existing.put(s.name(), new TopicRules.Existing(s.partitions(), s.compacted() ? "compact" : "delete",
            -1, -1, 604_800_000)));
        List<String> advice = TopicRules.retentionAdvice(SPECS, existing);
        assertEquals(1, advice.size(), "the other logs may keep the broker's retention: " + advice);
        assertTrue(advice.get(0).startsWith("topic " + log.name() + " keeps a record 604800000 ms"), advice.get(0));
        assertTrue(advice.get(0).endsWith("--entity-name " + log.name() + " --add-config retention.ms=-1"), advice.get(0));
        existing.put(log.name(), new TopicRules.Existing(4, "delete", -1, -1, -1));
        assertEquals(List.of(), TopicRules.retentionAdvice(SPECS, existing), "kept forever: nothing to advise");
    }
}
