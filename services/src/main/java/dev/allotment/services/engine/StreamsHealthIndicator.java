package dev.allotment.services.engine;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/** /health is UP only while Kafka Streams runs: before that (or while it rebalances) queries may find no stores. */
@Singleton
public class StreamsHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final StreamsRuntime runtime;

    public StreamsHealthIndicator(StreamsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        KafkaStreams.State state = runtime.state();
        healthStatus = state == KafkaStreams.State.RUNNING ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("state", state.name());
    }

    @Override
    protected String getName() {
        return "kafkaStreams";
    }
}
