package dev.allotment.services;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.allotment.schemas.TopicSpec;
import dev.allotment.schemas.Topics;
import dev.allotment.services.support.RealInfrastructure;
import dev.allotment.services.support.TestEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17: on a cluster of three brokers the engine's topics and Kafka Streams' changelogs get three replicas and
 * {@code min.insync.replicas=2}, with no setting (the single-broker clusters of the other tests get one and one).
 */
@ExtendWith(RealInfrastructure.class)
class TopicReplicationIT {
    static final Topics TOPICS = Topics.withPrefix("replicated.");

    @Test
    void onThreeBrokersEveryTopicTheEngineAndKafkaStreamsCreateHasThreeReplicasAndTwoInSync() throws Exception {
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setNumBrokerNodes(3).setNumControllerNodes(1).build())
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (TestEngine engine = TestEngine.start(TOPICS.prefix(), Map.of(
                "allotment.kafka.bootstrap-servers", cluster.bootstrapServers(), "allotment.api-keys", "k=admin"));
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                List<String> names = new ArrayList<>(TOPICS.specs(2).stream().map(TopicSpec::name).toList());
                String changelog = TOPICS.prefix() + "engine-orders-changelog";
                names.add(changelog);
                Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
                Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
                Map<String, String> found = new TreeMap<>();
                Map<String, String> expected = new TreeMap<>();
                for (String name : names) {
                    found.put(name, topics.get(name).partitions().get(0).replicas().size() + " replicas, min.insync.replicas "
                        + configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                        .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
                    expected.put(name, "3 replicas, min.insync.replicas 2");
                }
                assertEquals(expected, found, "the engine's topics and the orders store's changelog (" + changelog + ")");
            }
        }
    }
}
