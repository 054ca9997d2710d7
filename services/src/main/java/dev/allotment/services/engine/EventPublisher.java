package dev.allotment.services.engine;

import dev.allotment.events.Command;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.StockEvent;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.state.EngineUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes the events and commands the edge accepts: idempotent, acks from all replicas, Avro via the registry. */
@Singleton
public class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private final Topics topics;
    private final ShardPlan shards;
    private final KafkaProducer<String, SpecificRecord> producer;

    public EventPublisher(EngineSettings settings, Topics topics, AvroSerdes serdes) {
        this.topics = topics;
        this.shards = settings.shardPlan();
        Map<String, Object> config = settings.getKafka().connection().with(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 1,
            ProducerConfig.CLIENT_ID_CONFIG, "allotment-edge");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), serdes.value(SpecificRecord.class).serializer());
    }

    public RecordMetadata publish(String orderId, OrderEvent event) {
        return await(List.of(producer.send(new ProducerRecord<>(topics.orderEvents(), orderId, event)))).get(0);
    }

    public void publish(String key, LocationEvent event) {
        await(List.of(producer.send(new ProducerRecord<>(topics.locationEvents(), key, event))));
    }

    /** Publishes stock events keyed by their SKU; answers once the broker has all of them. */
    public void publishStock(List<Map.Entry<String, StockEvent>> events) {
        await(events.stream().map(e -> producer.send(new ProducerRecord<>(topics.stockEvents(), e.getKey(),
            (SpecificRecord) e.getValue()))).toList());
    }

    /** Publishes commands keyed by the SKU that decides them; answers once the broker has all of them. */
    public void publishCommands(List<Map.Entry<String, Command>> commands) {
        await(ShardKeys.of(shards, commands).stream().map(e -> producer.send(new ProducerRecord<>(topics.commands(), e.getKey(),
            (SpecificRecord) e.getValue()))).toList());
    }

    /** Sends a command without waiting for the broker: for records whose loss only costs a recomputation later. */
    public void publishCommandLater(String key, Command command) {
        producer.send(new ProducerRecord<>(topics.commands(), key, command), (metadata, error) -> {
            if (error != null) {
                LOG.warn("command {} not published: {}", command.getCommandId(), error.toString());
            }
        });
    }

    private List<RecordMetadata> await(List<Future<RecordMetadata>> sends) {
        try {
            List<RecordMetadata> done = new java.util.ArrayList<>();
            for (Future<RecordMetadata> send : sends) {
                done.add(send.get(30, TimeUnit.SECONDS));
            }
            return done;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
                throw new RecordTooLargeException("the record is larger than Kafka accepts (max.request.size, the topic's "
                    + "max.message.bytes); nothing was published");
            }
            LOG.warn("cannot publish to Kafka", e);   // the client is told no more than that: no names from inside
            throw new EngineUnavailableException("cannot publish to Kafka now; retry");
        } catch (TimeoutException e) {
            LOG.warn("publishing to Kafka timed out", e);
            throw new EngineUnavailableException("cannot publish to Kafka now; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("interrupted while publishing");
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
