package dev.allotment.bench.kafka;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's shape with identity logic, the ceiling the engine's own work is measured against: lines keyed by
 * order → re-keyed by SKU (repartition) → one persistent, changelogged store update per line → re-keyed by order
 * (repartition) → folded into a per-order store. A line's value is {@link Line}: when it was meant to be sent, its
 * SKU and its order, padded to the record size.
 */
public final class CeilingTopology {
    static final String SKU_STORE = "ceiling-sku-counts";
    static final String ORDER_STORE = "ceiling-order-folds";

    /** Told of every line the fold has seen, with the line's intended send time. */
    public interface FoldListener {
        void folded(long intendedNanos);
    }

    private CeilingTopology() {}

    public static Topology build(String linesTopic, int partitions, FoldListener listener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SKU_STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ORDER_STORE), Serdes.String(), Serdes.Long()));
        builder.stream(linesTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .selectKey((order, line) -> Line.skuKey(line))
            .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("lines-by-sku").withNumberOfPartitions(partitions))
            .process(SkuUpdate::new, SKU_STORE)
            .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("lines-by-order").withNumberOfPartitions(partitions))
            .process(() -> new OrderFold(listener), ORDER_STORE);
        return builder.build();
    }

    /** The SKU's counter goes up by one; the line moves on keyed by its order. */
    private static final class SkuUpdate implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.counts = context.getStateStore(SKU_STORE);
        }

        @Override
        public void process(Record<String, byte[]> line) {
            Long count = counts.get(line.key());
            counts.put(line.key(), count == null ? 1 : count + 1);
            context.forward(line.withKey(Line.orderKey(line.value())));
        }
    }

    /** The order's count of folded lines goes up by one; the listener hears of it. */
    private static final class OrderFold implements Processor<String, byte[], Void, Void> {
        private final FoldListener listener;
        private KeyValueStore<String, Long> folds;

        OrderFold(FoldListener listener) {
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.folds = context.getStateStore(ORDER_STORE);
        }

        @Override
        public void process(Record<String, byte[]> line) {
            Long count = folds.get(line.key());
            folds.put(line.key(), count == null ? 1 : count + 1);
            listener.folded(Line.intendedNanos(line.value()));
        }
    }

    /** A line's bytes: intended send time (nanoTime of the sending JVM), SKU, order, padding. */
    public static final class Line {
        static final int HEADER = 8 + 4 + 8;

        private Line() {}

        public static byte[] encode(long intendedNanos, int sku, long order, int size) {
            return ByteBuffer.allocate(Math.max(HEADER, size)).putLong(intendedNanos).putInt(sku).putLong(order).array();
        }

        public static String orderKey(long order) {
            return "o-" + order;
        }

        static long intendedNanos(byte[] line) {
            return ByteBuffer.wrap(line).getLong(0);
        }

        static String skuKey(byte[] line) {
            return "sku-" + ByteBuffer.wrap(line).getInt(8);
        }

        static String orderKey(byte[] line) {
            return orderKey(ByteBuffer.wrap(line).getLong(12));
        }
    }
}
