package dev.allotment.services;

import dev.allotment.schemas.AvroTrust;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** Starts the engine: the Kafka Streams runtime and the HTTP edge in one process. */
@OpenAPIDefinition(info = @Info(title = "Allotment", version = "0.1",
    description = "Event-sourced order allocation on Kafka: orders, reservations, allocations, stock."))
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        AvroTrust.trustEngineEvents();
        Micronaut.run(Application.class, args);
    }
}
