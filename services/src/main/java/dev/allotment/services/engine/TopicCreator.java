package dev.allotment.services.engine;

import dev.allotment.schemas.TopicSpec;
import dev.allotment.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the engine's topics that do not exist yet (partitions and compaction per DESIGN §2, replication chosen for the
 * cluster) and checks every one it needs before the engine starts; never alters an existing topic.
 */
final class TopicCreator {
    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private TopicCreator() {}

    /**
     * The partition count of each of {@code names}, as the cluster has them now, and the end offset of each partition of
     * {@code fenced} (one of them) now: its high watermark, records of transactions still open included.
     */
    record Layout(Map<String, Integer> partitions, Map<Integer, Long> ends) {}

    /** The {@link Layout} of {@code names}, read with one admin client. */
    static Layout layout(KafkaConnection kafka, List<String> names, String fenced) {
        return withAdmin(kafka, "describe the engine's topics", admin -> {
            Map<String, Integer> counts = new HashMap<>();
            admin.describeTopics(names).allTopicNames().get()
                .forEach((name, description) -> counts.put(name, description.partitions().size()));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < counts.get(fenced); p++) {
                latest.put(new TopicPartition(fenced, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, end) -> ends.put(partition.partition(), end.offset()));
            return new Layout(Map.copyOf(counts), Map.copyOf(ends));
        });
    }

    /** What one admin call answers. */
    private interface AdminCall<T> {
        T call(Admin admin) throws ExecutionException, InterruptedException;
    }

    private static <T> T withAdmin(KafkaConnection kafka, String what, AdminCall<T> call) {
        try (Admin admin = Admin.create(kafka.with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            return call.call(admin);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + " on " + kafka.bootstrapServers() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    /**
     * Chooses the replication for the cluster ({@link TopicRules#replication}), creates the topics that are missing when
     * {@code create} is set (never altering one that exists), then checks every topic: a difference from what the engine
     * needs stops the start, naming each one ({@link TopicRules#differences}). Answers the replication chosen, which
     * Kafka Streams' internal topics take too.
     */
    static TopicRules.Replication ensure(KafkaConnection kafka, Topics topics, List<TopicSpec> specs, boolean create,
                                         short replicationSetting, int minInsyncSetting) {
        try (Admin admin = Admin.create(kafka.with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            int brokers = admin.describeCluster().nodes().get().size();
            TopicRules.Replication replication = TopicRules.replication(brokers, replicationSetting, minInsyncSetting);
            if (create) {
                create(admin, specs, replication);
            }
            Map<String, TopicRules.Existing> described = describeListed(admin, specs);
            List<String> differences = TopicRules.differences(specs, TopicRules.copartitioned(topics), described);
            if (!differences.isEmpty()) {
                throw new IllegalStateException("the engine's topics on " + kafka.bootstrapServers() + " are not as it needs"
                    + " them:\n  - " + String.join("\n  - ", differences));
            }
            TopicRules.retentionAdvice(specs, described).forEach(advice -> LOG.warn("{}", advice));
            LOG.info("topics checked on a cluster of {} broker(s); replication factor {}, min.insync.replicas {} for the "
                + "topics the engine creates and Kafka Streams' internal topics", brokers, replication.factor(),
                replication.minInsync());
            return replication;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create or check the engine's topics on " + kafka.bootstrapServers() + ": "
                + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static void create(Admin admin, List<TopicSpec> specs, TopicRules.Replication replication)
        throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec spec : specs) {
            if (!existing.contains(spec.name())) {
                Map<String, String> configs = new HashMap<>(spec.segmentSettings());
                configs.putAll(spec.retentionSettings());
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                    spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(replication.minInsync()));
                missing.add(new NewTopic(spec.name(), spec.partitions(), replication.factor()).configs(configs));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        missing.forEach(t -> LOG.info("created topic {} ({} partitions, {}, replication factor {})", t.name(),
            t.numPartitions(), t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG), t.replicationFactor()));
        awaitListed(admin, missing.stream().map(NewTopic::name).toList());
    }

    /**
     * Until every one of {@code names} is listed: a topic is created once the controller has it, and a broker's
     * metadata (what listing and describing read) catches up a moment later; the check that follows must not take a
     * topic just created for a missing one (a CI run did).
     */
    private static void awaitListed(Admin admin, List<String> names) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!admin.listTopics().names().get().containsAll(names) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** {@link #describe}, asked again for a while when a listed topic is not yet known to the broker answering. */
    private static Map<String, TopicRules.Existing> describeListed(Admin admin, List<TopicSpec> specs)
        throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return describe(admin, specs);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                    || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Partition count, cleanup policy and segment settings of each of the engine's topics that exists. */
    private static Map<String, TopicRules.Existing> describe(Admin admin, List<TopicSpec> specs)
        throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        return describeNamed(admin, specs.stream().map(TopicSpec::name).filter(existing::contains).toList());
    }

    private static Map<String, TopicRules.Existing> describeNamed(Admin admin, List<String> names)
        throws ExecutionException, InterruptedException {
        Map<String, TopicRules.Existing> found = new HashMap<>();
        if (names.isEmpty()) {
            return found;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
            .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
        for (String name : names) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            found.put(name, new TopicRules.Existing(descriptions.get(name).partitions().size(), policy == null ? null : policy.value(),
                longSetting(config, TopicConfig.SEGMENT_BYTES_CONFIG), longSetting(config, TopicConfig.SEGMENT_MS_CONFIG),
                longSetting(config, TopicConfig.RETENTION_MS_CONFIG)));
        }
        return found;
    }

    private static long longSetting(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
    }

    /**
     * Logs {@link TopicRules#segmentAdvice} for the engine's compacted topics and the store changelogs of
     * {@code applicationId} that exist ({@code changelogSegments}: a store's name to its changelog's settings). Advice
     * only: a check that cannot be made is logged and the start goes on.
     */
    static List<String> adviseSegments(KafkaConnection kafka, List<TopicSpec> specs, String applicationId,
                                       java.util.function.Function<String, Map<String, String>> changelogSegments) {
        try (Admin admin = Admin.create(kafka.with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            Set<String> existing = admin.listTopics().names().get();
            Map<String, Map<String, String>> wanted = new HashMap<>();
            specs.stream().filter(s -> s.compacted() && existing.contains(s.name()))
                .forEach(s -> wanted.put(s.name(), s.segmentSettings()));
            String prefix = applicationId + "-";
            String suffix = "-changelog";
            existing.stream().filter(n -> n.startsWith(prefix) && n.endsWith(suffix) && n.length() > prefix.length() + suffix.length())
                .forEach(n -> wanted.put(n, changelogSegments.apply(n.substring(prefix.length(), n.length() - suffix.length()))));
            List<String> advice = TopicRules.segmentAdvice(wanted, describeNamed(admin, List.copyOf(wanted.keySet())));
            advice.forEach(a -> LOG.warn("{}", a));
            return advice;
        } catch (ExecutionException | RuntimeException e) {
            LOG.warn("could not check the segments of the engine's compacted topics and changelogs: {}", e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
