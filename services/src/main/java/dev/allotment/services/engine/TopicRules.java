package dev.allotment.services.engine;

import dev.allotment.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the engine needs of its topics on a cluster, as plain rules (no Kafka types): the replication it chooses for the
 * cluster's size, and the differences between the topics a cluster has and the ones the engine needs.
 *
 * <p>Two groups of topics must be co-partitioned, because one Kafka Streams task reads both of a group and finds a key's
 * state by its partition: the order events and the decision log (the order task folds both into {@code orders}); the
 * stock events and the commands (the SKU task). Kafka Streams itself refuses a group of differing counts only when its
 * group leader assigns tasks, with a message that names no setting; a topic re-created with another count, or one
 * partitioned by hand, is the classic silent corruption.
 */
final class TopicRules {
    private TopicRules() {}

    /**
     * A topic as the cluster has it: its partitions, its {@code cleanup.policy} (e.g. {@code delete},
     * {@code compact,delete}), when a segment closes ({@code segment.bytes}, {@code segment.ms}; -1 where unknown), and
     * how long it keeps a record ({@code retention.ms}; -1 forever, or unknown).
     */
    record Existing(int partitions, String cleanupPolicy, long segmentBytes, long segmentMs, long retentionMs) {
        Existing(int partitions, String cleanupPolicy) {
            this(partitions, cleanupPolicy, -1, -1);
        }

        Existing(int partitions, String cleanupPolicy, long segmentBytes, long segmentMs) {
            this(partitions, cleanupPolicy, segmentBytes, segmentMs, -1);
        }
    }

    /** The replication the engine asks for, chosen for the cluster or set. */
    record Replication(short factor, int minInsync) {}

    /**
     * A replication factor of 3 and {@code min.insync.replicas} 2 where the cluster has three brokers or more (a write
     * survives one broker lost, and the topic stays writable with one down); on a smaller cluster, one replica per
     * broker and {@code min.insync.replicas} 1. A setting above 0 overrides each.
     */
    static Replication replication(int brokers, short factorSetting, int minInsyncSetting) {
        short factor = factorSetting > 0 ? factorSetting : (short) Math.max(1, Math.min(3, brokers));
        int minInsync = minInsyncSetting > 0 ? minInsyncSetting : factor >= 3 ? 2 : 1;
        if (minInsync > factor) {
            throw new IllegalStateException("allotment.topics.min-insync-replicas (" + minInsync + ") is above the replication"
                + " factor (" + factor + "): no write could ever be acknowledged");
        }
        if (factor > brokers) {
            throw new IllegalStateException("allotment.topics.replication-factor is " + factor + " but the cluster has "
                + brokers + " broker(s)");
        }
        return new Replication(factor, minInsync);
    }

    /** The groups of topics (by name) that must have the same partition count, the first of each being the reference. */
    static List<List<String>> copartitioned(dev.allotment.schemas.Topics topics) {
        return List.of(List.of(topics.orderEvents(), topics.allocationEvents()), List.of(topics.stockEvents(), topics.commands(),
            topics.engineCommands()));
    }

    /**
     * Every difference between what the cluster has ({@code existing}, by name) and what the engine needs: a topic
     * missing, a log compacted (compaction would delete events the engine and its audit replay), a feed not compacted,
     * and a co-partitioned topic whose count differs from its group's first. Empty when the topics will do.
     */
    static List<String> differences(List<TopicSpec> specs, List<List<String>> groups, Map<String, Existing> existing) {
        List<String> found = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Existing topic = existing.get(spec.name());
            if (topic == null) {
                found.add("topic " + spec.name() + " does not exist (create it with " + spec.partitions() + " partitions and"
                    + " cleanup.policy=" + (spec.compacted() ? "compact" : "delete") + ", or let the engine create it:"
                    + " allotment.topics.create=true)");
                continue;
            }
            Set<String> policy = Arrays.stream(topic.cleanupPolicy() == null ? new String[0] : topic.cleanupPolicy().split(","))
                .map(String::strip).collect(Collectors.toSet());
            if (spec.compacted() && !policy.equals(Set.of("compact"))) {
                found.add("topic " + spec.name() + " has cleanup.policy=" + topic.cleanupPolicy() + "; it is a latest-value"
                    + " feed and needs cleanup.policy=compact");
            } else if (!spec.compacted() && policy.contains("compact")) {
                found.add("topic " + spec.name() + " has cleanup.policy=" + topic.cleanupPolicy() + "; it is an event log and"
                    + " needs cleanup.policy=delete (compaction keeps one event per key and loses the rest)");
            }
        }
        for (List<String> group : groups) {
            Existing reference = existing.get(group.get(0));
            if (reference == null) {
                continue;
            }
            for (String name : group.subList(1, group.size())) {
                Existing other = existing.get(name);
                if (other != null && other.partitions() != reference.partitions()) {
                    found.add("topic " + name + " has " + other.partitions() + " partitions and " + group.get(0) + " has "
                        + reference.partitions() + ": they must be co-partitioned (the same count), as one task reads both"
                        + " and finds a key's state by its partition");
                }
            }
        }
        return found;
    }

    /**
     * Advice, not a stop: each log the engine keeps forever ({@link TopicSpec#keptForever}: the decision log) that the
     * cluster has with a finite {@code retention.ms}, with the command that keeps it. The order histories point into the
     * decision log; past that retention an order's history is no longer whole ({@code GET /orders/{id}/events} answers
     * {@code "complete": false}, {@code as_of} 410), and the audit cannot recompute what the log lost. A topic created by
     * the engine before it kept the log forever has the broker's retention (7 days by default).
     */
    static List<String> retentionAdvice(List<TopicSpec> specs, Map<String, Existing> existing) {
        List<String> advice = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Existing topic = existing.get(spec.name());
            if (spec.keptForever() && topic != null && topic.retentionMs() >= 0) {
                advice.add("topic " + spec.name() + " keeps a record " + topic.retentionMs() + " ms; the engine keeps it"
                    + " forever, as order histories point into it: past that, an order's history is not whole (GET"
                    + " /orders/{id}/events answers \"complete\": false, as_of answers 410). Keep it once: kafka-configs.sh"
                    + " --bootstrap-server HOST:PORT --alter --entity-type topics --entity-name " + spec.name()
                    + " --add-config retention.ms=-1");
            }
        }
        return advice;
    }

    /**
     * Advice, not a stop: each compacted topic or store changelog in {@code existing} whose segments close later than the
     * engine creates them with ({@code wanted}: topic name to its {@code segment.bytes} and {@code segment.ms}), with the
     * command that sets them. Neither the engine nor Kafka Streams alters an existing topic, and a topic created before
     * these settings, or by hand with the broker's default (1 GiB or 7 days), keeps every update in its open segment,
     * which the broker never compacts: a restore, or a fresh instance's global store, reads all of them. The engine runs
     * correctly either way, only slower to restore.
     */
    static List<String> segmentAdvice(Map<String, Map<String, String>> wanted, Map<String, Existing> existing) {
        List<String> advice = new ArrayList<>();
        wanted.forEach((name, settings) -> {
            Existing topic = existing.get(name);
            if (topic == null) {
                return;
            }
            long bytes = Long.parseLong(settings.get(org.apache.kafka.common.config.TopicConfig.SEGMENT_BYTES_CONFIG));
            long ms = Long.parseLong(settings.get(org.apache.kafka.common.config.TopicConfig.SEGMENT_MS_CONFIG));
            if (topic.segmentBytes() > bytes || topic.segmentMs() > ms) {
                advice.add("topic " + name + " closes a segment at " + topic.segmentBytes() + " bytes or " + topic.segmentMs()
                    + " ms, the engine creates it with " + bytes + " and " + ms + ": the broker compacts closed segments"
                    + " only, so a restore or a fresh instance reads every update of its open segment. Set them once:"
                    + " kafka-configs.sh --bootstrap-server HOST:PORT --alter --entity-type topics --entity-name " + name
                    + " --add-config segment.bytes=" + bytes + ",segment.ms=" + ms);
            }
        });
        advice.sort(null);
        return advice;
    }
}
