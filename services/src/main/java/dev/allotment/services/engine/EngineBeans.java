package dev.allotment.services.engine;

import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryUrls;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.EngineState;
import dev.allotment.streams.state.LocalEngineState;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The engine's shared pieces: the topic catalogue, the registry-backed serdes, and the query port over its state. */
@Factory
public class EngineBeans {
    @Singleton
    Topics topics(EngineSettings settings) {
        return Topics.withPrefix(settings.getTopics().getPrefix());
    }

    @Singleton
    RegistryUrls registryUrls(EngineSettings settings) {
        return new RegistryUrls(settings.getRegistry().getUrl());
    }

    @Singleton
    AvroSerdes avroSerdes(RegistryUrls urls) {
        return new RegistryAvroSerdes(urls);
    }

    /** What the edge and the topology accept (the lines per order from {@code allotment.orders.max-lines}). */
    @Singleton
    Limits limits(EngineSettings settings) {
        return new Limits(settings.getOrders().getMaxLines());
    }

    /** Every read of the engine's state goes through this port (this instance's stores today). */
    @Singleton
    EngineState engineState(StreamsRuntime runtime, Topics topics) {
        return new LocalEngineState(runtime::streams, runtime.changes(), topics, LocalEngineState.DEFAULT_RETRY);
    }
}
