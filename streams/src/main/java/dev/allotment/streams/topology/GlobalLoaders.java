package dev.allotment.streams.topology;

import dev.allotment.events.LocationEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.streams.state.GlobalPositions;
import dev.allotment.streams.state.LocationKeys;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetterOutlet;
import dev.allotment.streams.support.DeadLetterSink;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processors that fill the global stores. They read bytes and decode them here, so a record they cannot decode or
 * use goes to the dead letters (through the engine's {@link DeadLetterOutlet}: a global store's loader cannot forward)
 * and the global thread goes on: one record on a global topic must never stop the engine.
 */
final class GlobalLoaders {
    private GlobalLoaders() {}

    static String stockViewKey(String sku, String locationId) {
        return sku + '\u0000' + locationId;
    }

    static ProcessorSupplier<byte[], byte[], Void, Void> locations(String topic, Deserializer<LocationEvent> decoder,
                                                                   LocationChanges changes, DeadLetterOutlet outlet,
                                                                   GlobalPositions positions) {
        return loader(StoreNames.LOCATIONS, "locations", outlet, positions::took, (KeyValueStore<String, LocationEvent> store,
                                                                  Record<byte[], byte[]> record, DeadLetterSink deadLetters) -> {
            LocationEvent event = deadLetters.decode(record, decoder, topic, "a LocationEvent");
            if (event != null) {
                store.put(LocationKeys.of(event), event);
                changes.changed();
            }
        });
    }

    /**
     * The stock view's loader. How far it has read is not kept: nothing waits for the stock view to catch up (placing
     * reads it as it stands, and the engine's own SKU tasks hold the stock that decides), unlike the locations.
     */
    static ProcessorSupplier<byte[], byte[], Void, Void> stockView(String topic, Deserializer<StockLevelKey> keys,
                                                                   Deserializer<StockLevel> values, DeadLetterOutlet outlet) {
        return loader(StoreNames.STOCK_VIEW, "stock-view", outlet, Taken.UNTRACKED, (KeyValueStore<String, byte[]> store,
                                                                    Record<byte[], byte[]> record, DeadLetterSink deadLetters) -> {
            StockLevelKey key;
            try {
                key = record.key() == null ? null : keys.deserialize(topic, record.key());
            } catch (RuntimeException e) {
                deadLetters.send(record, "cannot decode a StockLevelKey: " + e.getMessage(), e);
                return;
            }
            if (key == null) {
                deadLetters.send(record, "record has no key (the SKU and location)", null);
                return;
            }
            // decoded to be checked, kept as it came: the one reader takes a field of it (AvailableUnits), not all
            if (deadLetters.decode(record, values, topic, "a StockLevel") != null) {
                store.put(stockViewKey(key.getSku(), key.getLocationId()), record.value());
            }
        });
    }

    /** Where a loader tells that it has taken the record at an offset of its topic's partition. */
    @FunctionalInterface
    private interface Taken {
        Taken UNTRACKED = (topic, partition, offset) -> {};

        void record(String topic, int partition, long offset);
    }

    /** How one record of a global store's topic goes into the store (or to the dead letters). */
    @FunctionalInterface
    private interface Load<S> {
        void into(KeyValueStore<String, S> store, Record<byte[], byte[]> record, DeadLetterSink deadLetters);
    }

    /**
     * The loader of the global store {@code storeName}: each record goes in as {@code load} says; one it cannot use, to
     * the dead letters; either way, {@code taken} learns that this copy has taken it.
     */
    private static <S> ProcessorSupplier<byte[], byte[], Void, Void> loader(String storeName, String entity,
                                                                           DeadLetterOutlet outlet, Taken taken,
                                                                           Load<S> load) {
        return () -> new Processor<>() {
            private ProcessorContext<Void, Void> context;
            private KeyValueStore<String, S> store;
            private DeadLetterSink deadLetters;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                this.context = context;
                store = context.getStateStore(storeName);
                deadLetters = DeadLetterSink.through(context, outlet, entity);
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                try {
                    load.into(store, record, deadLetters);
                } catch (RuntimeException e) {
                    deadLetters.send(record, "cannot apply to the " + storeName + " store: " + e.getMessage(), e);
                }
                if (taken != Taken.UNTRACKED) {
                    context.recordMetadata().ifPresent(at -> taken.record(at.topic(), at.partition(), at.offset()));
                }
            }
        };
    }
}
