package dev.allotment.services.engine;

import dev.allotment.events.OrderEvent;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes the events and commands the edge accepts: idempotent, acks from all replicas, Avro via the registry. */
@Singleton
public class EventPublisher {
    private final Topics topics;
    private final KafkaProducer<String, OrderEvent> orderEvents;

    public EventPublisher(EngineSettings settings, Topics topics, AvroSerdes serdes) {
        this.topics = topics;
        Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getKafka().getBootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 2,
            ProducerConfig.CLIENT_ID_CONFIG, "allotment-edge");
        this.orderEvents = new KafkaProducer<>(config, new StringSerializer(), serdes.value(OrderEvent.class).serializer());
    }

    /** Publishes an order event keyed by its order id; answers once the broker has it. */
    public RecordMetadata publish(String orderId, OrderEvent event) {
        try {
            return orderEvents.send(new ProducerRecord<>(topics.orderEvents(), orderId, event)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new EngineUnavailableException("cannot publish to " + topics.orderEvents() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while publishing");
        }
    }

    @PreDestroy
    void close() {
        orderEvents.close();
    }
}
