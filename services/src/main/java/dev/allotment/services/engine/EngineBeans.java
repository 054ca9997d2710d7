package dev.allotment.services.engine;

import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryConnection;
import dev.allotment.schemas.Topics;
import dev.allotment.services.cluster.LocalAnswers;
import dev.allotment.services.cluster.PeerClient;
import dev.allotment.services.cluster.RoutedEngineState;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.LocalEngineState;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's shared pieces: the topic catalogue, the registry-backed serdes, and the query port over its state. */
@Factory
public class EngineBeans {
    private static final Logger LOG = LoggerFactory.getLogger(EngineBeans.class);

    @Singleton
    Topics topics(EngineSettings settings) {
        return Topics.withPrefix(settings.getTopics().getPrefix());
    }

    @Singleton
    RegistryConnection registryConnection(EngineSettings settings) {
        return settings.getRegistry().connection();
    }

    @Singleton
    AvroSerdes avroSerdes(RegistryConnection registry) {
        return new RegistryAvroSerdes(registry);
    }

    /** What the edge and the topology accept (the lines per order from {@code allotment.orders.max-lines}). */
    @Singleton
    Limits limits(EngineSettings settings) {
        return new Limits(settings.getOrders().getMaxLines());
    }

    /** This instance's own stores: what it answers the other instances from. */
    @Singleton
    LocalEngineState localEngineState(StreamsRuntime runtime, Topics topics, KafkaDecisionLog log) {
        return new LocalEngineState(runtime.clients(), runtime.handles(), runtime.changes(), topics, log,
            LocalEngineState.DEFAULT_RETRY);
    }

    /** What this instance answers the others from its own stores. */
    @Singleton
    LocalAnswers localAnswers(LocalEngineState local, StreamsRuntime runtime, EngineSettings settings) {
        return new LocalAnswers(local, runtime.clients(), settings.getCluster().getMaxStandbyLag());
    }

    /** Every read of the engine's state goes through this port: each key from the instance that holds it. */
    @Singleton
    @Primary
    EngineState engineState(LocalEngineState local, StreamsRuntime runtime, Topics topics, EngineSettings settings) {
        EngineSettings.Cluster cluster = settings.getCluster();
        if (cluster.getSecret().isEmpty()) {
            LOG.warn("allotment.cluster.secret (ALLOTMENT_CLUSTER_SECRET) is not set: this instance answers for the keys it "
                + "holds alone; with more than one instance, the others' keys answer 503");
        }
        return new RoutedEngineState(runtime.clients(), runtime::host, local,
            new PeerClient(cluster.getSecret(), cluster.getForwardTimeout()), topics, runtime::partitions,
            cluster.getMaxStandbyLag(), cluster.getRouteRetry(), settings.shardPlan(), runtime::stateChanges);
    }
}
