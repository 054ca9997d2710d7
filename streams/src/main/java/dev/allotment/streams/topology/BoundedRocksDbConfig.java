package dev.allotment.streams.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of this JVM with one shared block cache that also accounts
 * for memtables (Kafka Streams' "bounded memory" recipe). Size with {@code allotment.rocksdb.memory.bytes}
 * (default 128 MiB), memtables taking at most half of it.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    public static final String MEMORY_BYTES = "allotment.rocksdb.memory.bytes";
    private static final long DEFAULT_MEMORY = 128L * 1024 * 1024;
    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    private static synchronized void init(long memory) {
        if (cache == null) {
            cache = new LRUCache(memory, -1, false, 0.1);
            writeBufferManager = new WriteBufferManager(memory / 2, cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object configured = configs.get(MEMORY_BYTES);
        init(configured == null ? DEFAULT_MEMORY : Long.parseLong(configured.toString()));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write buffer manager are shared by every store of the JVM: never closed per store
    }
}
