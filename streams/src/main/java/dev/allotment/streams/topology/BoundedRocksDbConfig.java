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
 * (default 256 MiB), memtables taking at most half of it.
 *
 * <p>Each store's memtable is a thirty-second of the memtables' share (4 MiB by default), not Kafka Streams' 16 MiB.
 * RocksDB's write buffer manager, once the memtables of all stores together pass 7/8 of their share, flushes the
 * memtable of the store being written, not the largest one; and under Kafka 4.4 no commit flushes memtables any more.
 * With an instance's 74 stores at 16 MiB each, data left in the memtables of stores written a while ago kept the
 * total at the mark for good, so every write to any store flushed that store's memtable of a few KiB: a restore of
 * 1,000,000 orders wrote an SST file per restored batch and compacted them again and again (~10,000 records/s), and
 * each commit flushed every store it wrote. With a store's memtable at a thirty-second of the share, stores flush
 * themselves when full, and the manager, when it steps in, flushes memtables of a useful size. Arena blocks are kept
 * small too ({@link #ARENA_BLOCK_BYTES}): a memtable holding anything holds at least one.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    public static final String MEMORY_BYTES = "allotment.rocksdb.memory.bytes";
    static final long DEFAULT_MEMORY = 256L * 1024 * 1024;
    /** How many full memtables the memtables' share (half the memory) holds: sets each store's write buffer. */
    static final int MEMTABLES_IN_SHARE = 32;
    /** RocksDB's default is the write buffer size / 8. */
    static final long ARENA_BLOCK_BYTES = 64L * 1024;
    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long memory;

    private static synchronized long init(long configured) {
        if (cache == null) {
            memory = configured;
            cache = new LRUCache(memory, -1, false, 0.1);
            writeBufferManager = new WriteBufferManager(memory / 2, cache);
        }
        return memory;
    }

    /** Each store's write buffer for a JVM whose RocksDB stores share {@code memory} bytes. */
    static long writeBufferBytes(long memory) {
        return Math.max(ARENA_BLOCK_BYTES * 4, memory / 2 / MEMTABLES_IN_SHARE);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object configured = configs.get(MEMORY_BYTES);
        long shared = init(configured == null ? DEFAULT_MEMORY : Long.parseLong(configured.toString()));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        options.setWriteBufferSize(writeBufferBytes(shared));
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write buffer manager are shared by every store of the JVM: never closed per store
    }
}
