package dev.allotment.streams.topology;

import dev.allotment.events.LocationEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.streams.state.LocationKeys;
import dev.allotment.streams.state.StoreNames;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The processors that fill the global stores; a record they cannot decode is logged and skipped. */
final class GlobalLoaders {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalLoaders.class);

    private GlobalLoaders() {}

    static String stockViewKey(String sku, String locationId) {
        return sku + '\u0000' + locationId;
    }

    static ProcessorSupplier<byte[], byte[], Void, Void> locations(String topic, Deserializer<LocationEvent> decoder,
                                                                   LocationChanges changes) {
        return loader(StoreNames.LOCATIONS, (KeyValueStore<String, LocationEvent> store, Record<byte[], byte[]> record) -> {
            try {
                LocationEvent event = decoder.deserialize(topic, record.value());
                if (event != null) {
                    store.put(LocationKeys.of(event), event);
                    changes.changed();
                }
            } catch (RuntimeException e) {
                LOG.warn("skipping a location event that cannot be decoded: {}", e.getMessage());
            }
        });
    }

    static ProcessorSupplier<StockLevelKey, StockLevel, Void, Void> stockView() {
        return loader(StoreNames.STOCK_VIEW, (KeyValueStore<String, StockLevel> store, Record<StockLevelKey, StockLevel> record) -> {
            if (record.key() != null && record.value() != null) {
                store.put(stockViewKey(record.key().getSku(), record.key().getLocationId()), record.value());
            }
        });
    }

    /** How one record of a global store's topic goes into the store. */
    @FunctionalInterface
    private interface Load<K, V, S> {
        void into(KeyValueStore<String, S> store, Record<K, V> record);
    }

    /** The loader of the global store {@code storeName}: each record goes in as {@code load} says. */
    private static <K, V, S> ProcessorSupplier<K, V, Void, Void> loader(String storeName, Load<K, V, S> load) {
        return () -> new Processor<>() {
            private KeyValueStore<String, S> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(storeName);
            }

            @Override
            public void process(Record<K, V> record) {
                load.into(store, record);
            }
        };
    }
}
