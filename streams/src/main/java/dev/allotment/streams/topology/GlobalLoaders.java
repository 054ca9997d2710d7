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
        return () -> new Processor<>() {
            private KeyValueStore<String, LocationEvent> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(StoreNames.LOCATIONS);
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                try {
                    LocationEvent event = decoder.deserialize(topic, record.value());
                    if (event != null) {
                        store.put(LocationKeys.of(event), event);
                        changes.changed();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("skipping a location event that cannot be decoded: {}", e.getMessage());
                }
            }
        };
    }

    static ProcessorSupplier<StockLevelKey, StockLevel, Void, Void> stockView() {
        return () -> new Processor<>() {
            private KeyValueStore<String, StockLevel> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(StoreNames.STOCK_VIEW);
            }

            @Override
            public void process(Record<StockLevelKey, StockLevel> record) {
                if (record.key() != null && record.value() != null) {
                    store.put(stockViewKey(record.key().getSku(), record.key().getLocationId()), record.value());
                }
            }
        };
    }
}
