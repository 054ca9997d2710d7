package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.TopicSpec;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.topology.AllotmentTopology;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real broker: topics as the engine creates them, and a changelog as Kafka Streams creates it, draw no advice;
 * the same topics altered to the broker's default segments (as a deployment from before the settings has them) are each
 * named, with the command that sets them.
 */
@ExtendWith(RealInfrastructure.class)
class TopicSegmentsAdviceTest {
    static final Topics TOPICS = Topics.withPrefix("segments-advice.");
    static final String APPLICATION = "segments-advice-app";

    @Test
    void compactedTopicsAndChangelogsWithTheBrokersSegmentsAreNamedOnesAsCreatedAreNot() throws Exception {
        KafkaConnection kafka = KafkaConnection.of(RealInfrastructure.endpoints().bootstrapServers(), null, Map.of());
        List<TopicSpec> specs = TOPICS.specs(2);
        TopicCreator.ensure(kafka, TOPICS, specs, true, (short) 0, 0);
        String skuStock = APPLICATION + "-" + StoreNames.SKU_STOCK + "-changelog";
        String orders = APPLICATION + "-" + StoreNames.ORDERS + "-changelog";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                new NewTopic(skuStock, 2, (short) 1).configs(withPolicy(AllotmentTopology.changelogSegments(StoreNames.SKU_STOCK))),
                new NewTopic(orders, 2, (short) 1).configs(withPolicy(AllotmentTopology.changelogSegments(StoreNames.ORDERS)))))
                .all().get();
            assertEquals(List.of(), TopicCreator.adviseSegments(kafka, specs, APPLICATION, AllotmentTopology::changelogSegments));

            alter(admin, skuStock, TopicSpec.COMPACTED_SEGMENT_BYTES, TopicSpec.COMPACTED_SEGMENT_MS);
            alter(admin, TOPICS.orderProjections(), 1L << 30, 604_800_000L);
            // the alteration is committed by the controller, and the broker answering the describe has it a moment later
            List<String> advice = List.of();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (advice.size() < 2 && System.nanoTime() < deadline) {
                advice = TopicCreator.adviseSegments(kafka, specs, APPLICATION, AllotmentTopology::changelogSegments);
            }
            assertEquals(2, advice.size(), advice.toString());
            assertTrue(advice.get(0).startsWith("topic " + skuStock + " closes a segment at 67108864 bytes"), advice.get(0));
            assertTrue(advice.get(0).endsWith("--entity-name " + skuStock + " --add-config segment.bytes=1048576,segment.ms=3600000"),
                advice.get(0));
            assertTrue(advice.get(1).startsWith("topic " + TOPICS.orderProjections() + " closes a segment at 1073741824 bytes or"
                + " 604800000 ms"), advice.get(1));
        }
    }

    private static Map<String, String> withPolicy(Map<String, String> segments) {
        Map<String, String> configs = new java.util.HashMap<>(segments);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        return configs;
    }

    private static void alter(Admin admin, String topic, long segmentBytes, long segmentMs) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
            new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(segmentBytes)), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segmentMs)), AlterConfigOp.OpType.SET))))
            .all().get();
    }
}
