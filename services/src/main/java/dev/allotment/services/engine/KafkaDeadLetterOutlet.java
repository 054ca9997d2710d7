package dev.allotment.services.engine;

import dev.allotment.streams.support.DeadLetterOutlet;
import dev.allotment.streams.support.DeadLetters;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of the global stores' loaders, which cannot forward: a producer of their own (idempotent, acks from
 * all replicas) to {@code allotment.dead-letters}, made when the first letter comes. A letter is sent before the
 * loader goes on (a global topic's poison records are rare), and a send that fails is logged, never thrown: the global
 * thread must not stop for it.
 */
final class KafkaDeadLetterOutlet implements DeadLetterOutlet, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterOutlet.class);
    private final KafkaConnection kafka;
    private final String topic;
    private KafkaProducer<byte[], byte[]> producer;

    KafkaDeadLetterOutlet(KafkaConnection kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    @Override
    public synchronized void send(Record<byte[], byte[]> letter) {
        try {
            producer().send(new ProducerRecord<>(topic, null, letter.timestamp() < 0 ? null : letter.timestamp(), letter.key(),
                letter.value(), letter.headers())).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("could not send a dead letter ({}) to {}: {}", DeadLetters.header(letter.headers(), DeadLetters.REASON),
                topic, e.toString());
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.with(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "allotment-global-dead-letters"), new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
