package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.TopicSpec;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import dev.allotment.streams.state.StoreNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every compacted topic on the real broker, the engine's latest-value topics and Kafka Streams' store changelogs alike,
 * closes a segment at 64 MiB (1 MiB for the two that churn: stock levels and the SKU stock store's changelog) or after
 * an hour, so that the broker compacts it while the engine runs and a global store's
 * bootstrap or a changelog's restore reads the live state, not every update since the last gibibyte (TopicSpec says why).
 * The event logs keep the broker's segments, and the broker's retention but for the decision log, which is kept forever.
 */
@ExtendWith(RealInfrastructure.class)
class CompactedTopicsEndToEndTest {
    static final Topics TOPICS = Topics.withPrefix("e2e-compacted.");

    @Test
    void everyCompactedTopicAndChangelogClosesSegmentsBySizeOrAnHourAndTheEventLogsKeepTheBrokers() throws Exception {
        try (TestEngine engine = TestEngine.start(TOPICS.prefix(), Map.of());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                 RealInfrastructure.endpoints().bootstrapServers()))) {
            String application = TOPICS.prefix() + "engine-";
            List<String> changelogs = admin.listTopics().names().get().stream()
                .filter(n -> n.startsWith(application) && n.endsWith("-changelog")).sorted().toList();
            for (String store : List.of(StoreNames.ORDERS, StoreNames.SKU_STOCK, StoreNames.ORDER_HISTORY,
                StoreNames.LINE_RESERVATIONS, StoreNames.COMMAND_OUTCOMES)) {
                assertTrue(changelogs.contains(application + store + "-changelog"), store + " among " + changelogs);
            }
            List<String> compacted = new ArrayList<>(changelogs);
            compacted.addAll(List.of(TOPICS.orderProjections(), TOPICS.stockLevels(), TOPICS.locationEvents()));
            List<String> logs = List.of(TOPICS.orderEvents(), TOPICS.stockEvents(), TOPICS.commands(), TOPICS.engineCommands(),
                TOPICS.allocationEvents());
            List<String> all = new ArrayList<>(compacted);
            all.addAll(logs);
            Map<ConfigResource, Config> configs = admin.describeConfigs(all.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
            Map<String, String> found = new TreeMap<>();
            Map<String, String> expected = new TreeMap<>();
            for (String name : all) {
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                found.put(name, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value() + ", segment.bytes "
                    + config.get(TopicConfig.SEGMENT_BYTES_CONFIG).value() + ", segment.ms "
                    + config.get(TopicConfig.SEGMENT_MS_CONFIG).value()
                    + (logs.contains(name) ? ", retention.ms " + config.get(TopicConfig.RETENTION_MS_CONFIG).value() : ""));
                // the stock levels and the SKU stock store's changelog churn: a small live set, rewritten every commit
                boolean churning = name.equals(TOPICS.stockLevels()) || name.equals(application + StoreNames.SKU_STOCK + "-changelog");
                expected.put(name, compacted.contains(name)
                    ? "compact, segment.bytes " + (churning ? TopicSpec.CHURNING_SEGMENT_BYTES : TopicSpec.COMPACTED_SEGMENT_BYTES)
                        + ", segment.ms " + TopicSpec.COMPACTED_SEGMENT_MS
                    // the decision log is kept forever: the order histories point into it
                    : "delete, segment.bytes 1073741824, segment.ms 604800000, retention.ms "
                        + (name.equals(TOPICS.allocationEvents()) ? "-1" : "604800000"));
            }
            assertEquals(expected, found);
            assertEquals(64L * 1024 * 1024, TopicSpec.COMPACTED_SEGMENT_BYTES);
            assertEquals(1024L * 1024, TopicSpec.CHURNING_SEGMENT_BYTES);
            assertEquals(3_600_000L, TopicSpec.COMPACTED_SEGMENT_MS);
        }
    }
}
