package dev.allotment.bench.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records a run put on each topic of the stack: the engine's topics and its stores' changelogs. Two snapshots
 * of every partition's end offset, taken once the engine has gone quiet (nothing moved for a second: the order fold
 * trails the decisions), give each topic's records over the run; divided by the run's lines, the records the engine
 * writes per line, by what it writes them for. A changelog's records are the store writes that reached RocksDB after
 * the record caches. Under exactly-once every commit that wrote to a partition adds one transaction marker to its
 * offsets: with thousands of lines per commit that is noise, and it is counted as a record here.
 */
final class TopicRecords {
    private final EngineStack stack;

    TopicRecords(EngineStack stack) {
        this.stack = stack;
    }

    /** End offsets summed per topic (the engine's topics and its changelogs), once two readings a second apart agree. */
    Map<String, Long> quiet() throws Exception {
        Map<String, Long> last = snapshot();
        for (int i = 0; i < 60; i++) {
            Thread.sleep(1_000);
            Map<String, Long> now = snapshot();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** Per topic, records between {@code before} and {@code after} per line (two decimals), most first. */
    static Map<String, Object> perLine(Map<String, Long> before, Map<String, Long> after, String prefix, long lines) {
        Map<String, Double> per = new HashMap<>();
        after.forEach((topic, end) -> {
            long records = end - before.getOrDefault(topic, 0L);
            if (records > 0 && lines > 0) {
                per.put(shortName(topic, prefix), Math.round(records * 100.0 / lines) / 100.0);
            }
        });
        Map<String, Object> sorted = new LinkedHashMap<>();
        per.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.put("total", Math.round(per.values().stream().mapToDouble(Double::doubleValue).sum() * 100) / 100.0);
        return sorted;
    }

    /** {@code <application id>-<store>-changelog} → {@code changelog:<store>}; other topics as named. */
    static String shortName(String topic, String prefix) {
        return topic.startsWith(prefix) && topic.endsWith("-changelog")
            ? "changelog:" + Changelogs.storeOf(topic, prefix) : topic;
    }

    String changelogPrefix() {
        return stack.applicationId() + "-";
    }

    private Map<String, Long> snapshot() throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClient())) {
            String prefix = changelogPrefix();
            String topicPrefix = stack.topics().prefix();
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(topicPrefix) || (t.startsWith(prefix) && t.endsWith("-changelog"))).toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()),
                OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(30, TimeUnit.SECONDS);
            Map<String, Long> perTopic = new TreeMap<>();
            ends.forEach((tp, info) -> perTopic.merge(tp.topic(), info.offset(), Long::sum));
            return perTopic;
        }
    }
}
