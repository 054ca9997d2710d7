package dev.allotment.services.engine;

import dev.allotment.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the engine's topics that do not exist yet (partitions and compaction per DESIGN §2); never alters existing ones. */
final class TopicCreator {
    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private TopicCreator() {}

    /** The partition count of each of {@code names}, as the cluster has them now. */
    static Map<String, Integer> partitions(KafkaConnection kafka, List<String> names) {
        try (Admin admin = Admin.create(kafka.with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            Map<String, Integer> counts = new java.util.HashMap<>();
            admin.describeTopics(names).allTopicNames().get()
                .forEach((name, description) -> counts.put(name, description.partitions().size()));
            return counts;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the engine's topics on " + kafka.bootstrapServers() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        }
    }

    static void ensure(KafkaConnection kafka, List<TopicSpec> specs, short replicationFactor) {
        try (Admin admin = Admin.create(kafka.with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE)));
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
            missing.forEach(t -> LOG.info("created topic {} ({} partitions, {})", t.name(), t.numPartitions(),
                t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG)));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the engine's topics on " + kafka.bootstrapServers() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
