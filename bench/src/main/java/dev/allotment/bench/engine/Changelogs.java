package dev.allotment.bench.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The engine's changelog topics ({@code <application id>-<store>-changelog}) as the broker holds them: what a fresh
 * instance has to read back. Per store: the offsets its partitions span (records, plus one transaction marker per
 * commit that wrote to it under exactly-once) and their bytes on the broker's disk.
 */
public final class Changelogs {
    /** One store's changelog: the offsets its partitions span and their size on disk. */
    public record Store(String store, int partitions, long offsets, long bytes) {}

    private Changelogs() {}

    public static List<Store> describe(EngineStack stack) throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClient())) {
            String prefix = stack.applicationId() + "-";
            List<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(prefix) && t.endsWith("-changelog")).sorted().toList();
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                earliest.put(tp, OffsetSpec.earliest());
                latest.put(tp, OffsetSpec.latest());
            }));
            var options = new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> from = admin.listOffsets(earliest, options).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> to = admin.listOffsets(latest, options).all().get(30, TimeUnit.SECONDS);
            Map<String, Long> bytes = new TreeMap<>();
            List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(n -> n.id()).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        if (described.containsKey(replica.getKey().topic())) {
                            bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
                        }
                    }
                }
            }
            List<Store> stores = new ArrayList<>();
            for (String topic : topics) {
                long offsets = 0;
                int partitions = described.get(topic).partitions().size();
                for (int p = 0; p < partitions; p++) {
                    TopicPartition tp = new TopicPartition(topic, p);
                    offsets += to.get(tp).offset() - from.get(tp).offset();
                }
                stores.add(new Store(storeOf(topic, prefix), partitions, offsets, bytes.getOrDefault(topic, 0L)));
            }
            return stores;
        }
    }

    /** {@code <prefix><store>-changelog} → {@code <store>}. */
    static String storeOf(String topic, String prefix) {
        return topic.substring(prefix.length(), topic.length() - "-changelog".length());
    }
}
