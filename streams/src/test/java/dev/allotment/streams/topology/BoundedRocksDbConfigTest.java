package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * The shared memory budget on real RocksDB instances, as many as one engine instance opens: an idle store must not
 * make every other store flush on each write (what a restore and every commit did while empty memtables alone filled
 * the write buffer manager's budget).
 */
class BoundedRocksDbConfigTest {
    /** More than the 74 stores an instance with four partitions opens. */
    private static final int STORES = 90;
    private static final int WRITES = 200;

    @Test
    void aStoreWrittenWhileManyOthersAreOpenKeepsItsWritesInItsMemtable(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        List<RocksDB> dbs = new ArrayList<>();
        List<Options> opened = new ArrayList<>();
        try (WriteOptions noWal = new WriteOptions().setDisableWAL(true)) {
            for (int i = 0; i < STORES; i++) {
                // as Kafka Streams prepares a store's options before it calls the setter
                Options options = new Options().setCreateIfMissing(true).setWriteBufferSize(16L * 1024 * 1024)
                    .setTableFormatConfig(new BlockBasedTableConfig());
                new BoundedRocksDbConfig().setConfig("store-" + i, options, Map.of());
                opened.add(options);
                RocksDB db = RocksDB.open(options, dir.resolve("store-" + i).toString());
                dbs.add(db);
                // a few records, as each store of a running instance holds in its memtable between flushes
                for (int k = 0; k < 10; k++) {
                    db.put(noWal, bytes("k" + k), new byte[500]);
                }
            }
            RocksDB written = dbs.get(0);
            for (int i = 0; i < WRITES; i++) {
                written.put(noWal, bytes("key-" + i), bytes("value-" + i));
            }

            // a flush per write would leave only the last write in the active memtable
            assertEquals(WRITES + 10L, written.getLongProperty("rocksdb.num-entries-active-mem-table"),
                "every write flushed the memtable: the open stores' empty memtables alone are over the write budget");
            assertEquals(0, written.getLongProperty("rocksdb.num-immutable-mem-table"));
            assertEquals(BoundedRocksDbConfig.writeBufferBytes(BoundedRocksDbConfig.DEFAULT_MEMORY), opened.get(0).writeBufferSize());
        } finally {
            dbs.forEach(RocksDB::close);
            opened.forEach(Options::close);
        }
    }

    @Test
    void aStoresMemtableIsAThirtySecondOfTheMemtablesShare() {
        assertEquals(4L * 1024 * 1024, BoundedRocksDbConfig.writeBufferBytes(256L * 1024 * 1024));
        assertEquals(1L * 1024 * 1024, BoundedRocksDbConfig.writeBufferBytes(64L * 1024 * 1024));
        // never below a few arena blocks, however small the budget
        assertEquals(4 * BoundedRocksDbConfig.ARENA_BLOCK_BYTES, BoundedRocksDbConfig.writeBufferBytes(1024 * 1024));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
