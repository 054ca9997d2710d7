package dev.allotment.services.engine;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * /health/liveness: DOWN only when Kafka Streams has failed for good (its global thread died, or it shut itself down), so
 * that only a restart helps. A starting, restoring or rebalancing instance is alive: killing it would only start the
 * same work again. Readiness ({@link StreamsHealthIndicator}) is what keeps traffic away from it meanwhile.
 */
@Singleton
@Liveness
public class StreamsLivenessIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final StreamsRuntime runtime;

    public StreamsLivenessIndicator(StreamsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        KafkaStreams.State state = runtime.state();
        healthStatus = failed(state, runtime.draining()) ? HealthStatus.DOWN : HealthStatus.UP;
        return Map.of("state", state.name());
    }

    /** Whether Kafka Streams is in a state it never leaves by itself (a drained instance stopped on purpose). */
    static boolean failed(KafkaStreams.State state, boolean draining) {
        return switch (state) {
            case ERROR, PENDING_ERROR -> true;
            case NOT_RUNNING, PENDING_SHUTDOWN -> !draining;
            default -> false;
        };
    }

    @Override
    protected String getName() {
        return "kafkaStreamsAlive";
    }
}
