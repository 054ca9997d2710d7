package dev.allotment.streams.support;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * How a record the engine cannot decode or apply becomes a dead letter: key and value exactly as
 * received, the reason and origin in headers, so nothing is dropped silently and it can be replayed.
 */
public final class DeadLetters {
    /** Every header the engine adds to a dead letter starts so. */
    public static final String HEADER_PREFIX = "allotment.error.";
    public static final String REASON = HEADER_PREFIX + "reason";
    public static final String EXCEPTION = HEADER_PREFIX + "exception";
    public static final String TOPIC = HEADER_PREFIX + "topic";
    public static final String PARTITION = HEADER_PREFIX + "partition";
    public static final String OFFSET = HEADER_PREFIX + "offset";

    private DeadLetters() {}

    /** The dead letter for {@code received}, carrying {@code reason} and where it came from. */
    public static Record<byte[], byte[]> of(Record<byte[], byte[]> received, ProcessorContext<?, ?> context,
                                           String reason, Throwable error) {
        Headers headers = new RecordHeaders(received.headers().toArray());
        put(headers, REASON, reason);
        if (error != null) {
            put(headers, EXCEPTION, error.getClass().getName() + ": " + error.getMessage());
        }
        context.recordMetadata().ifPresent(m -> origin(headers, m));
        return new Record<>(received.key(), received.value(), received.timestamp(), headers);
    }

    private static void origin(Headers headers, RecordMetadata metadata) {
        put(headers, TOPIC, metadata.topic());
        put(headers, PARTITION, Integer.toString(metadata.partition()));
        put(headers, OFFSET, Long.toString(metadata.offset()));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }

    /** A header's value as text, or null when absent. */
    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
