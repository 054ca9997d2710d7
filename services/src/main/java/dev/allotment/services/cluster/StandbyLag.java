package dev.allotment.services.cluster;

import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;

/** How far this instance's copy of a store's partition lags its changelog. */
public final class StandbyLag {
    private static final StringSerializer KEYS = new StringSerializer();

    private StandbyLag() {}

    /** {@link #of} the partition that holds {@code key}. */
    public static long forKey(KafkaStreams streams, String store, String key) {
        if (streams == null) {
            return Long.MAX_VALUE;
        }
        KeyQueryMetadata meta = streams.queryMetadataForKey(store, key, KEYS);
        return meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) ? Long.MAX_VALUE : of(streams, store, meta.partition());
    }

    /** Records behind the changelog's end, or {@link Long#MAX_VALUE} when this instance holds no copy of it (or is starting). */
    static long of(KafkaStreams streams, String store, int partition) {
        if (streams == null) {
            return Long.MAX_VALUE;
        }
        Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags().get(store);
        LagInfo lag = lags == null ? null : lags.get(partition);
        return lag == null ? Long.MAX_VALUE : lag.offsetLag();
    }
}
