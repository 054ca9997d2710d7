package dev.allotment.streams.support;

import java.util.function.Consumer;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processor's way to the dead letters: decodes records or sends them there, logging topic, partition and offset
 * and counting each in the {@code dead-lettered} metric of its entity. A processor of a sub-topology forwards the letter
 * to its dead-letter sink (in the same transaction as everything else it does); a global store's loader, which cannot
 * forward, hands it to the engine's {@link DeadLetterOutlet}.
 */
public final class DeadLetterSink {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);
    private final ProcessorContext<?, ?> context;
    private final Consumer<Record<byte[], byte[]>> delivery;
    private final Sensor counted;

    private DeadLetterSink(ProcessorContext<?, ?> context, String entity, Consumer<Record<byte[], byte[]>> delivery) {
        this.context = context;
        this.delivery = delivery;
        this.counted = context.metrics().addRateTotalSensor("allotment", entity, "dead-lettered", Sensor.RecordingLevel.INFO);
    }

    /** For the processor of {@code context}, forwarding to its child {@code sinkName}; {@code entity} names the metric. */
    public DeadLetterSink(ProcessorContext<Object, Object> context, String sinkName, String entity) {
        this(context, entity, letter -> context.forward(
            new Record<Object, Object>(letter.key(), letter.value(), letter.timestamp(), letter.headers()), sinkName));
    }

    /** For a global store's loader: letters go through {@code outlet}. */
    public static DeadLetterSink through(ProcessorContext<?, ?> context, DeadLetterOutlet outlet, String entity) {
        return new DeadLetterSink(context, entity, outlet::send);
    }

    /** Sends {@code record}, exactly as received, to the dead letters with {@code reason} (and {@code error}) in headers. */
    public void send(Record<byte[], byte[]> record, String reason, Throwable error) {
        var origin = context.recordMetadata();
        LOG.warn("dead-lettering {}-{}@{}: {}", origin.map(m -> m.topic()).orElse("?"),
            origin.map(m -> m.partition()).orElse(-1), origin.map(m -> m.offset()).orElse(-1L), reason);
        counted.record();
        delivery.accept(DeadLetters.of(record, context, reason, error));
    }

    /** The record's value decoded, or null once it has been dead-lettered as undecodable ({@code what}: the type expected). */
    public <T> T decode(Record<byte[], byte[]> record, Deserializer<T> decoder, String topic, String what) {
        if (record.value() == null) {
            send(record, "record has no value (a tombstone is not " + what + ")", null);
            return null;
        }
        try {
            return decoder.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            send(record, "cannot decode " + what + ": " + e.getMessage(), e);
            return null;
        }
    }
}
