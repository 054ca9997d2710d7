package dev.allotment.streams.topology;

import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.FramedAvroSerde;
import dev.allotment.streams.order.OrderFold;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an order to {@code allotment.order-projections} as the feed carries it, without its history's positions, and
 * without encoding it a second time when it can: the fold publishes each order right after the commit's flush has
 * written it to the {@code orders} store ({@link CommitTimeStore}), and the two encodings differ only in
 * {@code history_positions}, the schema's last field, so the store's bytes with that field's encoding replaced by an
 * empty array's are the feed's (on the steady path an order is written 1.34 times per line to the store and 1.01 to the
 * feed). When the store's bytes are not at hand (the serde's last encoding on this thread was of another object: not
 * on the fold's path, but nothing here depends on it), it encodes the order without its positions, as before.
 * {@code ProjectionFeedSerializerTest} fails if a field is ever added after {@code history_positions}.
 */
final class ProjectionFeedSerializer implements Serializer<OrderProjection> {
    /** Avro's encoding of an empty array: a block count of zero. */
    private static final byte EMPTY_ARRAY = 0;

    private final FramedAvroSerde<OrderProjection> serde;
    private final Serializer<OrderProjection> encoder;

    private ProjectionFeedSerializer(FramedAvroSerde<OrderProjection> serde) {
        this.serde = serde;
        this.encoder = serde.serializer();
    }

    /**
     * The feed's serializer for orders the store encodes with {@code serde}: one that reuses the store's encoding when
     * {@code serde} is the engine's framed serde, or else one that encodes each order again without its positions.
     */
    static Serializer<OrderProjection> of(Serde<OrderProjection> serde) {
        if (serde instanceof FramedAvroSerde<OrderProjection> framed) {
            return new ProjectionFeedSerializer(framed);
        }
        Serializer<OrderProjection> plain = serde.serializer();
        return (topic, order) -> plain.serialize(topic, order == null ? null : OrderFold.withoutPositions(order));
    }

    @Override
    public byte[] serialize(String topic, OrderProjection order) {
        if (order == null) {
            return null;
        }
        byte[] stored = serde.lastEncoding(order);
        if (stored == null) {
            return encoder.serialize(topic, OrderFold.withoutPositions(order));
        }
        int body = stored.length - FramedAvroSerde.HEADER - encodedLength(order.getHistoryPositions());
        byte[] feed = new byte[FramedAvroSerde.HEADER + body + 1];
        serde.writeHeader(topic, feed);
        System.arraycopy(stored, FramedAvroSerde.HEADER, feed, FramedAvroSerde.HEADER, body);
        feed[feed.length - 1] = EMPTY_ARRAY;
        return feed;
    }

    /**
     * The bytes Avro's binary encoder writes for an array of longs: for a non-empty one, its length and each item as
     * zig-zag varints in one block, then the zero that ends the blocks; for an empty one, that zero alone.
     */
    static int encodedLength(List<Long> longs) {
        if (longs.isEmpty()) {
            return 1;
        }
        int length = varintLength(longs.size()) + 1;
        for (Long l : longs) {
            length += varintLength(l);
        }
        return length;
    }

    private static int varintLength(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int length = 1;
        while ((zigzag & ~0x7FL) != 0) {
            zigzag >>>= 7;
            length++;
        }
        return length;
    }
}
