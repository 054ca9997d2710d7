package dev.allotment.services.engine;

import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.RegistryAvroSerdes;
import dev.allotment.schemas.RegistryUrls;
import dev.allotment.schemas.Topics;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The engine's shared pieces: the topic catalogue and the registry-backed serdes. */
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
}
